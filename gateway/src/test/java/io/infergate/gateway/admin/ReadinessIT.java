package io.infergate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.ProxyListener;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.GatewayMetrics;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /readyz} judges the sockets really bound, not the listeners the configuration declares. */
class ReadinessIT {

    private static GatewayConfig config(String listeners) {
        return GatewayConfig.compile(
                Manifests.load("gw.yaml", """
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata: {name: gw}
                        spec:
                          gatewayClassName: infergate
                          listeners: %s
                        """.formatted(listeners)).manifests());
    }

    @Test
    void aListenerWhosePortIsTakenMakesTheGatewayNotReady() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayOptions options = GatewayOptions.defaults()
                    .withBindHost("127.0.0.1")
                    .withPortMapper(l -> l.id().endsWith("/busy") ? taken.getLocalPort() : 0);
            try (GatewayServer gateway = new GatewayServer(
                    config("[{name: http, protocol: HTTP, port: 8080}]"), options, ProxyListener.NONE)) {
                gateway.start();
                AdminSource source = AdminSource.of(
                        gateway,
                        new GatewayMetrics(),
                        () -> ConfigStatus.loaded(List.of("gw.yaml"), Instant.EPOCH, List.of()),
                        () -> true);
                assertThat(Readiness.of(source)).isEqualTo(new Readiness(true, "ready"));

                assertThatThrownBy(
                                () -> gateway.update(
                                        config(
                                                "[{name: http, protocol: HTTP, port: 8080}, {name: busy, protocol: HTTP, port: 8081}]")))
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("listener default/gw/busy: cannot bind");
                assertThat(gateway.boundPorts()).containsOnlyKeys("default/gw/http");
                assertThat(Readiness.of(source))
                        .isEqualTo(new Readiness(false, "listener default/gw/busy (HTTP port 8081) is not bound"));
            }
        }
    }
}
