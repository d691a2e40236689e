package io.infergate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostnamesTest {

    @Test
    void requestHostDropsPortAndCaseWithoutCopyingWhenClean() {
        String clean = "api.example.com";
        assertThat(Hostnames.requestHost(clean)).isSameAs(clean);
        assertThat(Hostnames.requestHost("api.example.com:8080")).isEqualTo("api.example.com");
        assertThat(Hostnames.requestHost("API.Example.com:8080")).isEqualTo("api.example.com");
        assertThat(Hostnames.requestHost("[::1]:8080")).isEqualTo("[::1]");
        assertThat(Hostnames.requestHost("")).isEmpty();
    }

    @Test
    void intersection() {
        Optional<String> none = Optional.empty();
        assertThat(Hostnames.effective(none, List.of())).containsExactly(Hostnames.ANY);
        assertThat(Hostnames.effective(Optional.of("*.example.com"), List.of())).containsExactly("*.example.com");
        assertThat(Hostnames.effective(
                        Optional.of("*.example.com"),
                        List.of("a.example.com", "*.b.example.com", "*.example.com", "example.com", "*.com")))
                .containsExactly("a.example.com", "*.b.example.com", "*.example.com");
        assertThat(Hostnames.effective(Optional.of("a.example.com"), List.of("*.example.com", "b.example.com")))
                .containsExactly("a.example.com");
        assertThat(Hostnames.effective(Optional.of("a.example.com"), List.of("*.a.example.com")))
                .isEmpty();
    }
}
