/**
 * The standalone gateway's data plane: {@link io.infergate.gateway.GatewayServer} binds the listeners of a
 * compiled {@link io.infergate.gateway.config.GatewayConfig} and proxies HTTP (model-aware, to InferencePools and
 * Services) and TCP; {@link io.infergate.gateway.ProxyListener} receives one
 * {@link io.infergate.gateway.RequestRecord} per request.
 */
package io.infergate.gateway;
