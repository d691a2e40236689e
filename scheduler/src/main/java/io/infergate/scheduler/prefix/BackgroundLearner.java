package io.infergate.scheduler.prefix;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs the prefix indexes' {@link PrefixIndex#add}s handed over by {@link PrefixIndex#learn},
 * so that updating an endpoint's LRU (up to 256 hashes per request, several microseconds) happens beside the event
 * loops instead of on them, as GIE's indexer does in its own goroutine. The index is then at most a queue's length
 * behind the decisions, which an approximation of remote caches tolerates.
 *
 * <p><b>Bounded.</b> At most {@code capacity} adds wait; when the queue is full (the thread cannot keep up) or the
 * learner is closed, {@link #execute} throws {@link RejectedExecutionException} and {@code learn} adds on the
 * caller's thread instead: nothing is forgotten and memory stays bounded, at the price of the caller doing the work
 * it would have done without a learner. {@link #inlined()} counts those.
 *
 * <p><b>Threading.</b> {@link #execute} is thread-safe and never blocks. A task that throws is logged and the thread
 * goes on. {@link #close} stops taking tasks, lets the thread finish those queued and waits for it up to a second.
 */
public final class BackgroundLearner implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundLearner.class);

    /** Default queue length: a few milliseconds of decisions at tens of thousands per second. */
    public static final int DEFAULT_CAPACITY = 8192;

    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> queue;
    private final Thread thread;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong inlined = new AtomicLong();
    private volatile boolean closed;

    /** A learner with a queue of {@value #DEFAULT_CAPACITY} and a thread named {@code infergate-prefix-learner}. */
    public BackgroundLearner() {
        this(DEFAULT_CAPACITY, "infergate-prefix-learner");
    }

    /**
     * @param capacity   how many adds may wait, >= 1
     * @param threadName the name of its daemon thread
     */
    public BackgroundLearner(int capacity, String threadName) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.queue = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for STOP even when full
        this.thread = new Thread(this::run, Objects.requireNonNull(threadName, "threadName"));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        // remainingCapacity() > 1 keeps the last slot for STOP; a racing pair may both pass and one then fail offer
        if (closed || queue.remainingCapacity() <= 1 || !queue.offer(task)) {
            inlined.incrementAndGet();
            throw new RejectedExecutionException(closed ? "prefix learner closed" : "prefix learner queue full");
        }
    }

    /** Adds waiting now (a moment's view). */
    public int pending() {
        return queue.size();
    }

    /** Adds the thread has run. */
    public long completed() {
        return completed.get();
    }

    /** Adds refused because the queue was full or the learner closed, so run by their callers. */
    public long inlined() {
        return inlined.get();
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return; // only close() interrupts, after its grace period
            }
            if (task == STOP) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("prefix index update failed", e);
            }
            completed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(STOP); // the spare slot guarantees room
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
