package io.infergate.simulator.runtime;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineRequest;
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
 * Steps are back to back on the clock: a step that starts late (the thread woke up late) is still timed
 * from when it actually starts, so lateness shows up in measured inter-token times instead of being hidden.
 *
 * <p>Threading: all public methods are safe from any thread and never block on the engine. Observers run on
 * the runner thread. {@link #close()} aborts every live request (their observers see {@code ABORT}) and
 * waits for the thread to end.
 */
public final class RealtimeEngineRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealtimeEngineRunner.class);

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
                request.observer().onFinish(new io.infergate.simulator.engine.RequestOutcome(request.requestId(),
                        io.infergate.simulator.engine.FinishReason.ABORT, request.promptTokens().length, 0, 0,
                        e.clock().nanoTime(), -1, -1, e.clock().nanoTime(), 0));
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
        while (!closing) {
            drainCommands();
            StepPlan plan = engine.beginStep();
            if (plan == null) {
                long wake = engine.nextReadyNanos();
                if (commands.isEmpty() && !closing) {
                    if (wake == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, Math.max(0, wake - clock.nanoTime()));
                    }
                }
                continue;
            }
            long end = plan.endNanos();
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
