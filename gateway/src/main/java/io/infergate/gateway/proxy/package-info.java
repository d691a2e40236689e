/**
 * The Netty proxy. Per client connection an {@link io.infergate.gateway.proxy.HttpFrontendHandler} (or the TCP
 * {@link io.infergate.gateway.proxy.TcpProxyHandlers.Frontend}); per forwarded request a {@code ProxyExchange};
 * per upstream connection a {@code BackendHandler}, registered on the client connection's event loop so one thread
 * owns the whole request. Failures become responses in {@link io.infergate.gateway.proxy.ErrorResponses} only.
 */
package io.infergate.gateway.proxy;
