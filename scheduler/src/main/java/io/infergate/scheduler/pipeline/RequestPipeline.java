package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.FlowKey;
import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.Ticket;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.openai.ModelSplicer;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.scheduling.Scheduler;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The one place a request becomes a {@link Decision}, in the spirit of the reference picker's
 * {@code Director.HandleRequest}: resolve the body's model (InferenceModel, InferenceObjective,
 * InferenceModelRewrite), plan the body edit, narrow the candidates, charge the token estimates, wait in flow
 * control, pick, explain. {@code serve} (the Netty proxy), {@code epp} (the ext_proc server) and the policy lab all
 * call it, so the lab measures exactly the code the gateway runs. Transport-free: it reads no wire format and
 * writes none; the body edit is described ({@link Decision.Rewrite}), not applied.
 *
 * <p>Stateless apart from the pick clock; {@link #decide} runs on the caller's thread, and a queued request's
 * continuation on the executor the request names. Never blocks (pickers and flow control do not). Bad input is the
 * caller's parse problem, so it arrives here only as {@link ParsedRequest}'s checked fields; everything the pipeline
 * itself refuses is a {@link Decision.Refuse}, never an exception.
 */
public final class RequestPipeline {

    /** Why a request narrowed by its candidates filter has nowhere to go (the reference picker's words). */
    public static final String NO_CANDIDATES = "failed to find endpoint candidates for serving the request";

    private final LongSupplier nanoTime;
    private final LongConsumer pickNanos;

    /**
     * @param nanoTime  the clock picks are timed with
     * @param pickNanos receives how long each pick took, rejected ones included; must not block
     */
    public RequestPipeline(LongSupplier nanoTime, LongConsumer pickNanos) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.pickNanos = Objects.requireNonNull(pickNanos, "pickNanos");
    }

    /** A pipeline whose picks are not timed. */
    public static RequestPipeline untimed() {
        return new RequestPipeline(() -> 0L, nanos -> {});
    }

    /** Decides what happens to {@code request} in {@code pool}. */
    public Decision decide(ParsedRequest request, PoolState pool) {
        String target = "";
        int priority = 0;
        int promptBytes = 0;
        PromptBytes prompt = PromptBytes.NONE;
        Decision.Rewrite rewrite = null;
        if (request.hasModel()) {
            var scanned = request.scanned();
            switch (pool.resolve(
                    scanned.model(), request.rewriteHeader(), request.objectiveHeader(), request.random())) {
                case Resolution.UnknownModel u -> {
                    return new Decision.Refuse(ErrorCode.UNKNOWN_MODEL, u.message(), null);
                }
                case Resolution.Resolved r -> {
                    target = r.targetModel();
                    priority = r.priority();
                    if (r.rewritten()) {
                        EncodedModelName upstream = EncodedModelName.of(r.targetModel());
                        rewrite = new Decision.Rewrite(
                                upstream,
                                EncodedModelName.of(r.incomingModel()),
                                ModelSplicer.splicedLength(scanned, upstream));
                    }
                }
            }
            promptBytes = TokenEstimate.promptBytes(scanned);
            if (request.body() != null) {
                prompt = PromptBytes.of(scanned, request.body(), request.bodyOffset());
            }
        }
        PickRequest pick = new PickRequest(
                request.requestId(), target, priority, promptBytes, request.flowId(), request.sessionId(), prompt);
        if (candidates(request, pool) == null) {
            return new Decision.Refuse(ErrorCode.NO_ENDPOINT, NO_CANDIDATES, pick);
        }
        Pending pending = new Pending(
                pick,
                request,
                rewrite,
                TokenEstimate.promptTokens(promptBytes),
                TokenEstimate.outputTokens(request.scanned()),
                request.explain());
        FlowController<Object> queue = pool.flowControl();
        if (queue == null) {
            return pick(pending, pool);
        }
        long byteSize = rewrite == null ? request.bodyLength() : rewrite.splicedLength();
        Ticket<Object> ticket =
                queue.enqueue(FlowKey.of(pick.fairnessId(), priority), byteSize, pick, request.executor());
        Outcome now = ticket.outcome().toCompletableFuture().getNow(null);
        if (now != null) {
            return admitted(now, pending, pool); // the fast path (capacity and an empty queue), or refused at once
        }
        return new Decision.Queued(
                pick,
                ticket,
                (outcome, failure) -> outcome == null
                        ? new Decision.Refuse(ErrorCode.INTERNAL, "flow control failed: " + failure, pick)
                        : admitted(outcome, pending, pool));
    }

    /**
     * The pool's endpoints as of now, narrowed by the request's candidates filter; null when the filter leaves none.
     * Asked again when a queued request is dispatched: a reload while it waited (a pod added or removed) must count,
     * not the endpoints of the moment it was queued.
     */
    private static PoolSnapshot candidates(ParsedRequest request, PoolState pool) {
        PoolSnapshot all = pool.snapshot();
        if (request.candidates() == null) {
            return all;
        }
        List<Endpoint> allowed = request.candidates().apply(all.endpoints());
        return allowed.isEmpty() ? null : new PoolSnapshot(all.pool(), allowed);
    }

    /** What {@link #decide} worked out before the pick, kept while the request waits. */
    private record Pending(
            PickRequest pick,
            ParsedRequest request,
            Decision.Rewrite rewrite,
            long promptTokens,
            long outputTokens,
            boolean explain) {}

    private Decision admitted(Outcome outcome, Pending pending, PoolState pool) {
        return switch (outcome) {
            case Outcome.Dispatched d -> pick(pending, pool);
            case Outcome.Rejected r -> rejected(r.httpStatus(), r.message(), pending.pick());
            case Outcome.Expired e -> new Decision.Refuse(ErrorCode.QUEUE_TIMEOUT, e.message(), pending.pick());
            case Outcome.Cancelled c -> new Decision.Refuse(ErrorCode.QUEUE_TIMEOUT, c.message(), pending.pick());
        };
    }

    /** A picker's or flow control's rejection: shed (429) or nothing available, keeping its status. */
    private static Decision.Refuse rejected(int status, String message, PickRequest pick) {
        return new Decision.Refuse(ErrorCode.ofRejection(status), status, message, pick);
    }

    private Decision pick(Pending pending, PoolState pool) {
        PoolSnapshot candidates = candidates(pending.request(), pool);
        if (candidates == null) {
            return new Decision.Refuse(ErrorCode.NO_ENDPOINT, NO_CANDIDATES, pending.pick());
        }
        EndpointPicker picker = pool.picker();
        long start = nanoTime.getAsLong();
        PickResult picked;
        String explanation = null;
        if (pending.explain() && picker instanceof Scheduler scheduler) {
            Scheduler.Decision d = scheduler.decide(pending.pick(), candidates);
            picked = d.result();
            var e = d.explanation();
            explanation = e == null ? "none (rejected before scoring)" : e.toString();
        } else {
            picked = picker.pick(pending.pick(), candidates);
        }
        pickNanos.accept(nanoTime.getAsLong() - start);
        return switch (picked) {
            case PickResult.Rejected r -> rejected(r.httpStatus(), r.message(), pending.pick());
            case PickResult.Picked p ->
                new Decision.Forward(
                        pending.pick(),
                        p.endpoints(),
                        pending.rewrite(),
                        pending.promptTokens(),
                        pending.outputTokens(),
                        explanation,
                        null);
        };
    }
}
