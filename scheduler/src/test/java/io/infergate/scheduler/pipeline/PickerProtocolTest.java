package io.infergate.scheduler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.pick.Endpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickerProtocolTest {

    @Test
    void aCommaListKeepsItsOrderWithoutDuplicates() {
        assertThat(PickerProtocol.parseDestinations("10.0.0.1:8000, 10.0.0.2:8000,10.0.0.1:8000"))
                .containsExactly("10.0.0.1:8000", "10.0.0.2:8000");
        assertThat(PickerProtocol.parseDestinations("[fd00::1]:8000")).containsExactly("[fd00::1]:8000");
        assertThat(PickerProtocol.parseDestinations("")).isEmpty();
        assertThat(PickerProtocol.parseDestinations("  ")).isEmpty();
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : new String[] {
            "10.0.0.1", "10.0.0.1:", "10.0.0.1:x", "10.0.0.1:70000", "fd00::1:80", "10.0.0.1:80,,10.0.0.2:80"
        }) {
            assertThatThrownBy(() -> PickerProtocol.parseDestinations(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void whatOneSideFormatsTheOtherParses() {
        List<Endpoint> ranked = List.of(
                Endpoint.of(new PoolEndpoint("a", "a", "10.0.0.1", 8000, 0), Map.of()),
                Endpoint.of(new PoolEndpoint("b", "b", "fd00::2", 8000, 0), Map.of()),
                Endpoint.of(new PoolEndpoint("c", "c", "10.0.0.3", 8000, 0), Map.of()));
        String value = PickerProtocol.formatDestinations(ranked, 2);
        assertThat(PickerProtocol.parseDestinations(value))
                .containsExactly(ranked.get(0).hostPort(), ranked.get(1).hostPort());
    }
}
