/**
 * The client-side protocol layer of HTTP and HTTPS listeners: which HTTP version a connection speaks (ALPN on TLS,
 * the HTTP/2 connection preface on cleartext) and the Netty pipeline for each. Everything above it, the proxy
 * itself, sees {@code HttpObject}s whatever the wire version.
 */
package io.infergate.gateway.http;
