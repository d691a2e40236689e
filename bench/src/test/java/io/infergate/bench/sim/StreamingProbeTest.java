package io.infergate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingProbeTest {

    @Test
    void targetsWithoutAPortUsePort80AndOtherSchemesAreRefused() {
        StreamingProbe p = new StreamingProbe(
                List.of(URI.create("http://localhost")), "m", 1, 10, 2, Duration.ZERO, Duration.ofSeconds(1));
        assertThat(p.targets()).containsExactly(URI.create("http://localhost:80"));
        assertThatThrownBy(() -> new StreamingProbe(
                        List.of(URI.create("https://x:1")), "m", 1, 10, 2, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: http://HOST[:PORT]");
    }
}
