/**
 * Route matching, compiled once per configuration: {@link io.infergate.gateway.route.RouteTable} for HTTP and
 * HTTPS listeners (HTTPRoute, with the Gateway API precedence rules) and
 * {@link io.infergate.gateway.route.TcpRouteTable} for TCP listeners (TCPRoute).
 *
 * <p>Tables are built from a validated {@link io.infergate.api.model.ManifestSet} on the control plane and are
 * immutable afterwards; the data plane reads them from event loops without locks. Nothing is parsed per
 * request: paths, regular expressions, header names and hostnames are all prepared at compile time, and a
 * successful match returns an object built at compile time (no allocation beyond what {@code java.util.regex}
 * needs for regular-expression conditions).
 */
package io.infergate.gateway.route;
