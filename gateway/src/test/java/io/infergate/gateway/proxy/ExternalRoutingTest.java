package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExternalRoutingTest {

    @Test
    void aCommaListKeepsItsOrderWithoutDuplicates() {
        assertThat(ExternalRouting.parseDestinations("10.0.0.1:8000, 10.0.0.2:8000,10.0.0.1:8000"))
                .containsExactly("10.0.0.1:8000", "10.0.0.2:8000");
        assertThat(ExternalRouting.parseDestinations("[fd00::1]:8000")).containsExactly("[fd00::1]:8000");
        assertThat(ExternalRouting.parseDestinations("")).isEmpty();
        assertThat(ExternalRouting.parseDestinations("  ")).isEmpty();
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : new String[] {
            "10.0.0.1", "10.0.0.1:", "10.0.0.1:x", "10.0.0.1:70000", "fd00::1:80", "10.0.0.1:80,,10.0.0.2:80"
        }) {
            assertThatThrownBy(() -> ExternalRouting.parseDestinations(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
