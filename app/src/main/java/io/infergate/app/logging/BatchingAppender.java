package io.infergate.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An asynchronous appender for high-rate lines (the access log): callers only queue the event; one daemon thread
 * encodes what has queued and writes it to stderr in <b>one write per batch</b>.
 *
 * <p>Why not logback's {@code AsyncAppender}: its worker waits in {@code take()}, so every line wakes it (a futex
 * wake-up and a context switch, on the event loop's core when the gateway has one) and its console appender then
 * makes one {@code write} per line. At saturation that was a large share of the gateway's CPU per request
 * (docs/benchmarks.md, "Gateway: added latency and throughput"). Here a queued event wakes nobody while the thread
 * is polling: while lines flow it looks every {@value #POLL_PAUSE_MICROS} µs and writes all it finds; after
 * {@value #IDLE_BEFORE_SLEEP_MILLIS} ms without a line it parks until the next line wakes it, so an idle gateway
 * spends nothing on it. A line thus reaches stderr at most about {@value #POLL_PAUSE_MICROS} µs after it was
 * logged.
 *
 * <p><b>Bounded, never blocks.</b> At most {@code queueSize} events wait (default {@value #DEFAULT_QUEUE_SIZE});
 * when the queue is full the event is dropped and counted ({@link #dropped()}; the count is reported as a logback
 * warning at {@link #stop}), like {@code AsyncAppender} with {@code neverBlock} and no discarding threshold.
 *
 * <p><b>Threading.</b> {@link #append} runs on any thread (event loops), never blocks and never throws for an
 * event; the encoder runs only on the appender's own thread. A write that fails is reported as a logback error
 * status and the batch is lost; the thread goes on. {@link #stop} stops taking events, writes those queued and waits
 * for the thread up to a second.
 *
 * <p>Configured in {@code logback.xml} with an {@code <encoder>} and optionally {@code <queueSize>}.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** Default queue length: about half a second of lines at 15,000 requests per second. */
    public static final int DEFAULT_QUEUE_SIZE = 8192;

    static final long POLL_PAUSE_MICROS = 1000;
    static final long IDLE_BEFORE_SLEEP_MILLIS = 100;
    /** The most events encoded into one write. */
    private static final int MAX_BATCH = 1024;

    private final AtomicLong dropped = new AtomicLong();
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private OutputStream out;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread worker;
    private volatile boolean stopping;
    // set by the worker before it parks without a timeout; append wakes it only then
    private volatile boolean sleeping;

    /** Writes to {@code System.err} as it is when the appender starts. */
    public BatchingAppender() {}

    /** Writes to {@code out} (tests). */
    BatchingAppender(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** @param encoder turns one event into its bytes (a {@code PatternLayoutEncoder} in {@code logback.xml}) */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** @param queueSize how many events may wait, >= 1 */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder set for the appender named [" + name + "]");
            return;
        }
        if (queueSize < 1) {
            addError("queueSize " + queueSize + " (expected: >= 1)");
            return;
        }
        if (out == null) {
            out = System.err;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        worker = new Thread(this::run, "infergate-log-" + name);
        worker.setDaemon(true);
        super.start();
        worker.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (stopping) {
            return;
        }
        event.prepareForDeferredProcessing(); // message, thread name and MDC as of now, for the worker
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
            return;
        }
        if (sleeping) {
            LockSupport.unpark(worker);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        stopping = true;
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dropped.get() > 0) {
            addWarn("appender [" + name + "] dropped " + dropped.get() + " events: its queue was full");
        }
        super.stop();
    }

    private void run() {
        List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        long lastWork = System.nanoTime();
        while (true) {
            queue.drainTo(batch, MAX_BATCH);
            if (!batch.isEmpty()) {
                write(batch, bytes);
                lastWork = System.nanoTime();
                continue;
            }
            if (stopping) {
                return; // drained after stop() announced itself: nothing more can arrive
            }
            if (System.nanoTime() - lastWork < TimeUnit.MILLISECONDS.toNanos(IDLE_BEFORE_SLEEP_MILLIS)) {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(POLL_PAUSE_MICROS));
            } else {
                sleeping = true;
                if (queue.isEmpty() && !stopping) { // checked after announcing: an event since then wakes us
                    LockSupport.park(this);
                }
                sleeping = false;
            }
        }
    }

    private void write(List<ILoggingEvent> batch, ByteArrayOutputStream bytes) {
        bytes.reset();
        for (ILoggingEvent e : batch) {
            try {
                bytes.writeBytes(encoder.encode(e));
            } catch (RuntimeException ex) {
                addError("could not encode a log event", ex);
            }
        }
        batch.clear();
        try {
            bytes.writeTo(out);
            out.flush();
        } catch (IOException ex) {
            addError("could not write " + bytes.size() + " bytes of log lines", ex);
        }
    }
}
