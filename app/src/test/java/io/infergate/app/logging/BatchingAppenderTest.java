package io.infergate.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import io.infergate.testing.Patience;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingAppenderTest {

    private final LoggerContext context = context();
    private final Logger logger = context.getLogger("io.infergate.access");

    private static LoggerContext context() {
        LoggerContext c = new LoggerContext();
        c.setMDCAdapter(new LogbackMDCAdapter()); // what logback's service provider gives the real one
        return c;
    }

    private BatchingAppender appender(OutputStream out, int queueSize) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchingAppender a = new BatchingAppender(out);
        a.setContext(context);
        a.setName("ACCESS");
        a.setEncoder(encoder);
        a.setQueueSize(queueSize);
        a.start();
        return a;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent(Logger.FQCN, logger, Level.INFO, message, null, null);
    }

    @Test
    void everyLineArrivesWholeAndInOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchingAppender a = appender(out, 64);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            a.doAppend(event("line " + i));
            expected.add("line " + i);
        }
        a.stop(); // writes what is queued before it returns
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactlyElementsOf(expected);
        assertThat(a.dropped()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingAndQueuedLinesGoOutInOneWrite() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> writes = new ArrayList<>();
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("the appender writes whole arrays, never single bytes");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (writes) {
                    writes.add(new String(b, off, len, StandardCharsets.UTF_8));
                }
                writing.countDown();
                try {
                    release.await(Patience.SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        BatchingAppender a = appender(stalled, 2);
        a.doAppend(event("first"));
        assertThat(writing.await(Patience.SECONDS, TimeUnit.SECONDS)).isTrue(); // the thread holds "first"
        a.doAppend(event("second"));
        a.doAppend(event("third")); // the queue of 2 is full
        a.doAppend(event("dropped")); // returns at once
        assertThat(a.dropped()).isEqualTo(1);
        release.countDown();
        a.stop();
        synchronized (writes) {
            assertThat(writes).containsExactly("first\n", "second\nthird\n");
        }
    }

    @Test
    void withoutAnEncoderItDoesNotStart() {
        BatchingAppender a = new BatchingAppender(new ByteArrayOutputStream());
        a.setContext(context);
        a.setName("ACCESS");
        a.start();
        assertThat(a.isStarted()).isFalse();
    }
}
