package io.infergate.scheduler.admission;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Holds submitted tasks until {@link #runAll()}, to show which outcomes went through the executor. Single thread. */
final class RecordingExecutor implements Executor {

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private int submitted;

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        submitted++;
    }

    int pending() {
        return tasks.size();
    }

    int submitted() {
        return submitted;
    }

    void runAll() {
        for (Runnable t; (t = tasks.poll()) != null; ) {
            t.run();
        }
    }
}
