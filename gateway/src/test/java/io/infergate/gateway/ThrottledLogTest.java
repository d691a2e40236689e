package io.infergate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A limit's warning is written at most once per interval and counts what it left out (an injected clock). */
class ThrottledLogTest {

    @Test
    void oneLinePerIntervalCountingTheRest() {
        AtomicLong now = new AtomicLong(1_000);
        ThrottledLog log =
                new ThrottledLog(LoggerFactory.getLogger(ThrottledLogTest.class), Duration.ofSeconds(10), now::get);
        log.warn("limit hit");
        assertThat(log.pending()).isZero(); // the first one is written at once
        for (int i = 0; i < 500; i++) {
            log.warn("limit hit");
        }
        assertThat(log.pending()).isEqualTo(500);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        log.warn("limit hit");
        assertThat(log.pending()).isEqualTo(501);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        log.warn("limit hit");
        assertThat(log.pending()).isZero(); // written, with the 502 it covers
    }
}
