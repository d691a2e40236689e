/**
 * The data plane's compiled configuration: {@link io.infergate.gateway.config.GatewayConfig#compile} turns a
 * validated manifest set into immutable listener, pool and Service runtime objects once per (re)load, on the
 * control plane. Event loops only read them.
 */
package io.infergate.gateway.config;
