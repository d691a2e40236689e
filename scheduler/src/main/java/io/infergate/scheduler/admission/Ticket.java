package io.infergate.scheduler.admission;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One request's place in a {@link FlowController}: its {@link #outcome()} and the means to {@link #cancel()} it.
 *
 * <p><b>Completion.</b> A request decided at enqueue (dispatched on the fast path, or rejected) has its outcome
 * already complete when {@link FlowController#enqueue} returns ({@link #isDone()}); continuations attached to it run
 * at once on the attaching thread, with no executor hop. A request that was queued completes exactly once, later,
 * by a task submitted to the executor given at enqueue (the data plane passes the request's event loop, so its
 * continuation runs there). Should that executor refuse the task ({@code execute} throws), the outcome is completed
 * on the thread that decided it instead, so that no caller is left waiting.
 *
 * <p>The returned stage is a minimal, read-only view: completing or cancelling it from outside is not possible;
 * use {@link #cancel()}.
 *
 * <p>Thread-safe. Internally it is also the queue node; its link fields are guarded by the controller's lock.
 *
 * @param <T> the caller's request handle, kept only to be handed back by {@link #request()}
 */
public final class Ticket<T> {

    private final FlowController<T> owner;
    private final FlowKey flow;
    private final long byteSize;
    private final T request;
    private final Executor executor;
    private final CompletableFuture<Outcome> promise = new CompletableFuture<>();
    private final CompletionStage<Outcome> view;
    final long enqueuedNanos;

    // Guarded by the owner's lock.
    boolean queued;
    Band<T> band;
    Flow<T> flowQueue;
    Ticket<T> bandPrev;
    Ticket<T> bandNext;
    Ticket<T> flowPrev;
    Ticket<T> flowNext;

    Ticket(FlowController<T> owner, FlowKey flow, long byteSize, T request, Executor executor, long enqueuedNanos) {
        this.owner = owner;
        this.flow = flow;
        this.byteSize = byteSize;
        this.request = request;
        this.executor = executor;
        this.enqueuedNanos = enqueuedNanos;
        this.view = promise.minimalCompletionStage();
    }

    /** A ticket whose outcome was decided at enqueue, completed on the calling thread. */
    static <T> Ticket<T> decided(FlowKey flow, long byteSize, T request, Executor executor, Outcome outcome) {
        Ticket<T> t = new Ticket<>(null, flow, byteSize, request, executor, 0);
        t.promise.complete(outcome);
        return t;
    }

    public FlowKey flow() {
        return flow;
    }

    public long byteSize() {
        return byteSize;
    }

    /** The handle passed to {@link FlowController#enqueue}. */
    public T request() {
        return request;
    }

    /** Completes exactly once, normally (never exceptionally), with the request's {@link Outcome}. */
    public CompletionStage<Outcome> outcome() {
        return view;
    }

    /** Whether the outcome is known; true at return of {@code enqueue} for fast-path dispatches and rejections. */
    public boolean isDone() {
        return promise.isDone();
    }

    /**
     * Takes the request out of its queue because its client went away. Returns true when this call removed it; its
     * outcome then completes with {@link Outcome.Cancelled} (on the executor, like every queued outcome). Returns
     * false when the request had already left the queue (dispatched, expired, rejected) or cancelled before; a
     * {@link Outcome.Dispatched} may then still arrive and must be dropped by the caller. Any thread; never blocks
     * beyond the controller's short lock.
     */
    public boolean cancel() {
        return owner != null && owner.cancel(this);
    }

    /**
     * Hands {@code outcome} to the caller's executor; called outside the controller's lock. A dispatch is reported
     * back to the controller once its continuations have run ({@link FlowController#delivered}), however they end.
     */
    void complete(Outcome outcome) {
        Objects.requireNonNull(outcome);
        Runnable deliver = outcome instanceof Outcome.Dispatched
                ? () -> deliverDispatch(outcome)
                : () -> promise.complete(outcome);
        try {
            executor.execute(deliver);
        } catch (RuntimeException refused) {
            // The executor is gone (say, its event loop shut down): completing here beats leaving a waiter behind.
            deliver.run();
        }
    }

    private void deliverDispatch(Outcome outcome) {
        try {
            promise.complete(outcome);
        } finally {
            owner.delivered();
        }
    }
}
