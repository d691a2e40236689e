package io.infergate.gateway.proxy;

import static io.infergate.gateway.proxy.ProxyExchange.Phase.AWAITING_RESPONSE;
import static io.infergate.gateway.proxy.ProxyExchange.Phase.COMPLETE;
import static io.infergate.gateway.proxy.ProxyExchange.Phase.CONNECTING;
import static io.infergate.gateway.proxy.ProxyExchange.Phase.DONE;
import static io.infergate.gateway.proxy.ProxyExchange.Phase.HOLDING;
import static io.infergate.gateway.proxy.ProxyExchange.Phase.STREAMING;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.gateway.proxy.ProxyExchange.Phase;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyExchangePhaseTest {

    @Test
    void transitions() {
        assertThat(successors(CONNECTING))
                .containsExactlyInAnyOrder(CONNECTING, AWAITING_RESPONSE, HOLDING, STREAMING, DONE);
        assertThat(successors(AWAITING_RESPONSE)).isEqualTo(successors(CONNECTING));
        assertThat(successors(HOLDING)).containsExactlyInAnyOrder(STREAMING, DONE);
        assertThat(successors(STREAMING)).containsExactlyInAnyOrder(COMPLETE, DONE);
        assertThat(successors(COMPLETE)).containsExactly(DONE);
        assertThat(successors(DONE)).isEmpty();
    }

    @Test
    void onlyStreamingAndCompleteHaveSentBytesToTheClient() {
        assertThat(EnumSet.allOf(Phase.class).stream().filter(Phase::responseStarted))
                .containsExactlyInAnyOrder(STREAMING, COMPLETE);
    }

    private static Set<Phase> successors(Phase from) {
        Set<Phase> to = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (from.mayEnter(p)) {
                to.add(p);
            }
        }
        return to;
    }
}
