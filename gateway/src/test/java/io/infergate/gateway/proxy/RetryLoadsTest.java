package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.RetryBudget;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry budget counts each pool's requests apart, as Envoy counts them per cluster. */
class RetryLoadsTest {

    private static final GatewayConfig CONFIG = compile();

    private static GatewayConfig compile() {
        LoadResult r = Manifests.load("test.yaml", """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: busy}
                spec: {selector: {matchLabels: {app: a}}, targetPorts: [{number: 8000}]}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: quiet}
                spec: {selector: {matchLabels: {app: b}}, targetPorts: [{number: 8000}]}
                """);
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    private static PoolRuntime pool(String name) {
        return CONFIG.pools().stream()
                .filter(p -> p.id().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Half of a pool's requests may be retrying, with no minimum. */
    private static final RetryRule HALF = RetryRule.DEFAULT.withBudget(new RetryBudget(50, 0));

    @Test
    void aBusyPoolsTrafficDoesNotLendItsBudgetToAQuietPool() {
        RetryLoads loads = new RetryLoads();
        List<RetryLoads.Load> busy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            busy.add(loads.started(pool("busy")));
        }
        RetryLoads.Load quiet = loads.started(pool("quiet"));
        assertThat(busy).allSatisfy(l -> assertThat(l).isSameAs(busy.get(0)));
        assertThat(quiet.active()).isEqualTo(1);

        // 50 % of one request is none: counted across both pools it would be 5 of 11
        assertThat(loads.tryStartRetry(HALF, quiet)).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(loads.tryStartRetry(HALF, busy.get(0))).isTrue();
        }
        assertThat(loads.tryStartRetry(HALF, busy.get(0))).isFalse();
        assertThat(busy.get(0).retrying()).isEqualTo(5);

        // a retry that ends makes room again; a request that ends leaves the count
        loads.retryEnded(busy.get(0));
        assertThat(loads.tryStartRetry(HALF, busy.get(0))).isTrue();
        loads.ended(quiet);
        assertThat(quiet.active()).isZero();
        // Service backends share one count, apart from the pools'
        assertThat(loads.started(null)).isNotSameAs(busy.get(0)).isSameAs(loads.started(null));
    }
}
