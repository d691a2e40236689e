package io.infergate.scheduler.prefix;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs the prefix indexes' {@link PrefixIndex#add}s handed over by {@link PrefixIndex#learn},
 * so that updating the index (up to 256 hashes per request, several microseconds) happens beside the event
 * loops instead of on them, as GIE's indexer does in its own goroutine. The index is then at most a queue's length
 * behind the decisions, which an approximation of remote caches tolerates.
 *
 * <p><b>Bounded.</b> At most {@code capacity} adds wait; when the queue is full (the thread cannot keep up) or the
 * learner is closed, {@link #execute} throws {@link RejectedExecutionException} and {@code learn} drops that
 * update (see {@link PrefixIndex#learn} for why dropping beats doing it on the event loop). {@link #rejected()}
 * counts those.
 *
 * <p><b>Waking.</b> Handing a task over must cost the event loop next to nothing, so {@link #execute} does not
 * wake the thread (a futex wake-up per request costs microseconds). While there is traffic the thread polls,
 * pausing {@value #POLL_PAUSE_MICROS} µs when the queue is empty, so an update waits at most that long; after
 * {@value #IDLE_BEFORE_SLEEP_MILLIS} ms without work it parks until the next {@code execute} wakes it, so an idle
 * gateway spends no CPU on it.
 *
 * <p><b>Threading.</b> {@link #execute} is thread-safe and never blocks. A task that throws is logged and the thread
 * goes on. {@link #close} stops taking tasks, lets the thread finish those queued and waits for it up to a second.
 */
public final class BackgroundLearner implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundLearner.class);

    /** Default queue length: a few milliseconds of decisions at tens of thousands per second. */
    public static final int DEFAULT_CAPACITY = 8192;

    static final long POLL_PAUSE_MICROS = 200;
    static final long IDLE_BEFORE_SLEEP_MILLIS = 100;

    private static final Runnable STOP = () -> {};

    private final BlockingQueue<Runnable> queue;
    private final Thread thread;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;
    // set by the thread before it parks without a timeout; execute wakes it only then
    private volatile boolean sleeping;

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
            rejected.incrementAndGet();
            throw new RejectedExecutionException(closed ? "prefix learner closed" : "prefix learner queue full");
        }
        if (sleeping) {
            LockSupport.unpark(thread);
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

    /** Tasks refused because the queue was full or the learner closed. */
    public long rejected() {
        return rejected.get();
    }

    private void run() {
        long lastWork = System.nanoTime();
        while (true) {
            Runnable task = queue.poll();
            if (task == null) {
                if (System.nanoTime() - lastWork < TimeUnit.MILLISECONDS.toNanos(IDLE_BEFORE_SLEEP_MILLIS)) {
                    LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(POLL_PAUSE_MICROS));
                } else {
                    sleeping = true;
                    if (queue.isEmpty()) { // checked after announcing: a task offered since then wakes us
                        LockSupport.park(this);
                    }
                    sleeping = false;
                }
                if (Thread.interrupted()) {
                    return; // only close() interrupts, after its grace period
                }
                continue;
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
            lastWork = System.nanoTime();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(STOP); // the spare slot guarantees room
        LockSupport.unpark(thread);
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
