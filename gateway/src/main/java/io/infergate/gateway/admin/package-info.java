/**
 * The admin listener: Prometheus {@code /metrics}, {@code /healthz}, {@code /readyz} and a read-only JSON API
 * ({@code /api/pools}, {@code /api/config}). It runs on its own small Netty event loop group, apart from the
 * data plane, and binds to localhost unless told otherwise, because it exposes the configuration. The endpoint
 * picker ({@code infergate epp}) serves its metrics port with the same server and a source of its own.
 */
package io.infergate.gateway.admin;
