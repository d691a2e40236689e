package io.infergate.simulator.loop;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.StepPlan;

/**
 * Runs an {@link Engine} inside a {@link DiscreteEventLoop}: each step is an event at its start time and
 * the next one at its end, so the engine's behaviour is the same as in real time, just without waiting.
 * The engine must have been created with the loop's clock.
 *
 * <p>Threading: the loop's thread only.
 */
public final class VirtualEngineDriver {

    private final Engine engine;
    private final DiscreteEventLoop loop;
    private boolean stepScheduled;
    private long wakeAt = Long.MAX_VALUE;

    public VirtualEngineDriver(Engine engine, DiscreteEventLoop loop) {
        if (engine.clock() != loop.clock()) {
            throw new IllegalArgumentException("engine clock: not the loop's clock (expected: the same VirtualClock)");
        }
        this.engine = engine;
        this.loop = loop;
    }

    public Engine engine() {
        return engine;
    }

    /** Submits a request at the loop's current time and makes sure a step will run for it. */
    public void submit(EngineRequest request) {
        engine.submit(request);
        kick();
    }

    /** Aborts a request at the loop's current time. */
    public boolean abort(String requestId) {
        return engine.abort(requestId);
    }

    private void kick() {
        if (stepScheduled) {
            return;
        }
        long ready = Math.max(loop.now(), engine.nextReadyNanos());
        if (ready < wakeAt) {
            wakeAt = ready;
            loop.schedule(ready, this::wake);
        }
    }

    private void wake() {
        if (loop.now() < wakeAt || stepScheduled) {
            return; // superseded by an earlier wake-up that already started stepping
        }
        wakeAt = Long.MAX_VALUE;
        step();
    }

    private void step() {
        StepPlan plan = engine.beginStep();
        if (plan == null) {
            stepScheduled = false;
            if (engine.hasWork()) {
                long ready = engine.nextReadyNanos();
                if (ready != Long.MAX_VALUE) {
                    wakeAt = Math.max(ready, loop.now());
                    loop.schedule(wakeAt, this::wake);
                }
            }
            return;
        }
        stepScheduled = true;
        loop.schedule(plan.endNanos(), () -> {
            engine.finishStep(plan);
            step();
        });
    }
}
