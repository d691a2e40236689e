package io.infergate.simulator.runtime;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.engine.StepPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives an {@link Engine} in wall-clock time on a dedicated thread: begin a step, park until its modelled
 * duration has passed, finish it, repeat; park until work arrives when idle.
 *
 * <p>Other threads talk to the engine only through commands queued here ({@link #submit}, {@link #abort},
 * adapter changes), which the runner thread applies between steps, so the engine itself needs no locks.
 * Steps are back to back on the model's timeline: when the thread wakes up a little late (up to
 * {@value #MAX_CATCH_UP_NANOS} ns), the next step still starts where the previous one ended, so wake-up latency
 * delays single tokens without accumulating into every inter-token time; when it falls further behind (an
 * overloaded machine), the next step starts now and the lateness shows in measured timings, not hidden.
 *
 * <p>Threading: all public methods are safe from any thread and never block on the engine. Observers run on
 * the runner thread. {@link #close()} aborts every live request (their observers see {@code ABORT}) and
 * waits for the thread to end.
 */
public final class RealtimeEngineRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealtimeEngineRunner.class);

    /** Wake-up lateness up to this is absorbed (timer slack and scheduling are ~0.05-1 ms on Linux). */
    static final long MAX_CATCH_UP_NANOS = 2_000_000;

    private final Engine engine;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Consumer<Engine>> commands = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    public RealtimeEngineRunner(Engine engine, String threadName) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public Engine engine() {
        return engine;
    }

    public void start() {
        thread.start();
    }

    /**
     * Queues a request. Validation that needs no engine state happens here, on the caller's thread.
     *
     * @throws IllegalArgumentException if {@link Engine#validate} rejects it
     * @throws IllegalStateException    if the runner is closed
     */
    public void submit(EngineRequest request) {
        engine.validate(request);
        enqueue(e -> {
            try {
                e.submit(request);
            } catch (IllegalArgumentException ex) {
                // lost a race with an adapter unload or a duplicate id: fail just this request
                log.debug("request {} rejected by the engine: {}", request.requestId(), ex.getMessage());
                request.observer()
                        .onFinish(new RequestOutcome(
                                request.requestId(),
                                FinishReason.ABORT,
                                request.promptTokens().length,
                                0,
                                0,
                                e.clock().nanoTime(),
                                -1,
                                -1,
                                e.clock().nanoTime(),
                                0));
            }
        });
    }

    /** Aborts a request if it is still live; its observer then sees {@code ABORT}. */
    public void abort(String requestId) {
        if (!closing) {
            enqueue(e -> e.abort(requestId));
        }
    }

    /** Registers a LoRA adapter; completes exceptionally with {@code LoraAdapterException} when refused. */
    public CompletableFuture<Void> loadAdapter(String name, String path) {
        return call(e -> e.loadAdapter(name, path));
    }

    /** Unregisters a LoRA adapter; completes exceptionally with {@code LoraAdapterException} when unknown. */
    public CompletableFuture<Void> unloadAdapter(String name) {
        return call(e -> e.unloadAdapter(name));
    }

    private CompletableFuture<Void> call(Consumer<Engine> action) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            enqueue(e -> {
                try {
                    action.accept(e);
                    f.complete(null);
                } catch (RuntimeException ex) {
                    f.completeExceptionally(ex);
                }
            });
        } catch (IllegalStateException ex) {
            f.completeExceptionally(ex);
        }
        return f;
    }

    private void enqueue(Consumer<Engine> command) {
        if (closing) {
            throw new IllegalStateException("engine runner " + thread.getName() + " is closed");
        }
        commands.add(command);
        LockSupport.unpark(thread);
    }

    private void run() {
        var clock = engine.clock();
        long previousEnd = Long.MIN_VALUE;
        while (!closing) {
            drainCommands();
            long now = clock.nanoTime();
            // Back to back on the model's timeline: a small wake-up delay is absorbed instead of adding to
            // every step; after idling, or when the machine is too busy to keep up, start from now.
            long start = previousEnd != Long.MIN_VALUE && now - previousEnd <= MAX_CATCH_UP_NANOS ? previousEnd : now;
            StepPlan plan = engine.beginStep(start);
            if (plan == null) {
                long wake = engine.nextReadyNanos();
                if (commands.isEmpty() && !closing) {
                    if (wake == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, Math.max(0, wake - clock.nanoTime()));
                    }
                }
                previousEnd = Long.MIN_VALUE;
                continue;
            }
            long end = plan.endNanos();
            previousEnd = end;
            for (long left = end - clock.nanoTime(); left > 0 && !closing; left = end - clock.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            engine.finishStep(plan);
        }
        drainCommands();
        abortAll();
    }

    private void drainCommands() {
        for (Consumer<Engine> c; (c = commands.poll()) != null; ) {
            try {
                c.accept(engine);
            } catch (RuntimeException e) {
                log.warn("engine command failed", e);
            }
        }
    }

    private void abortAll() {
        List<String> ids = new ArrayList<>(engine.liveRequestIds());
        for (String id : ids) {
            engine.abort(id);
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive()) {
            abortAll(); // never started: nothing runs the loop, abort here
        }
    }
}
