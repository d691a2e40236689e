package io.infergate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.EdgeLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A connection's limits: the Gateway annotations of the listeners on its port over the gateway-wide flags. */
class ListenerGroupLimitsTest {

    private static final EdgeLimits FLAGS =
            new EdgeLimits(100, 1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 500);

    private static String gateway(String name, String hostname, String annotations) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: %s, annotations: {%s}}
                spec:
                  gatewayClassName: infergate
                  listeners:
                  - {name: http, protocol: HTTP, port: 8080, hostname: %s}
                """.formatted(name, annotations, hostname);
    }

    private static ListenerGroup group(String yaml) {
        LoadResult r = Manifests.load("t.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        return GatewayConfig.compile(r.manifests()).group("port/8080");
    }

    @Test
    void withoutAnnotationsTheFlagsApply() {
        assertThat(group(gateway("a", "a.example", "")).limits(FLAGS)).isEqualTo(FLAGS);
    }

    @Test
    void onASharedPortTheSmallestAnnotatedValueWinsAndTheRestComeFromTheFlags() {
        ListenerGroup g = group(gateway(
                        "a",
                        "a.example",
                        "infergate.io/max-concurrent-streams: \"50\", infergate.io/request-header-timeout: \"20s\"")
                + "---\n"
                + gateway(
                        "b",
                        "b.example",
                        "infergate.io/max-concurrent-streams: \"80\", infergate.io/request-header-timeout: \"5s\","
                                + " infergate.io/max-connections: \"7\""));
        EdgeLimits limits = g.limits(FLAGS);
        assertThat(limits.maxConcurrentStreams()).isEqualTo(50);
        // an annotation may also be longer than the flag: it wins over the flag, the shortest of the annotations
        // wins over the others
        assertThat(limits.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.maxConnections()).isEqualTo(7);
        assertThat(limits.bodyReadTimeout()).isEqualTo(FLAGS.bodyReadTimeout());
        assertThat(limits.maxBufferedRequestBytes()).isEqualTo(FLAGS.maxBufferedRequestBytes());
        assertThat(group(gateway("a", "a.example", "infergate.io/body-read-timeout: \"2m\""))
                        .limits(FLAGS)
                        .bodyReadTimeout())
                .isEqualTo(Duration.ofMinutes(2));
    }
}
