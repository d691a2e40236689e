package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.Ticket;
import io.infergate.scheduler.openai.EncodedModelName;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/** What {@link RequestRouter} decided for one request: answer it here, or forward it. */
sealed interface Plan {

    /**
     * The pool has flow control and the request waits in its queue: when {@code ticket}'s outcome completes,
     * {@code resume} turns it (or the failure it completed with) into the next plan: a {@link Forward}, owning the
     * body to send, or it throws {@link ProxyException}. A receiver whose client went away cancels the ticket
     * instead. The caller keeps owning the request body, as for a synchronous plan.
     */
    record Deferred(Ticket<Object> ticket, BiFunction<Outcome, Throwable, Plan> resume) implements Plan {}

    /**
     * The pool's picker is external and was called: when {@code call}'s decision completes (the receiver hops back
     * to its event loop), {@code resume} turns the decision, or the failure, into the next plan (a {@link Forward}
     * or {@link Answer}, or it throws {@link ProxyException}). {@code resume} follows the ownership rule of
     * {@link RequestRouter#plan}: a {@link Forward} owns the body it carries (the request body, or the picker's
     * body, in which case the request body was released); otherwise the caller still owns the request body. A
     * receiver that no longer needs the decision (the client went away) calls {@code call.cancel()} instead, and
     * so does a receiver whose next plan is anything but a {@link Forward} carrying {@code call} (whose exchange
     * ends the call itself).
     */
    record External(ExternalPickCall call, BiFunction<ExternalDecision, Throwable, Plan> resume) implements Plan {}

    /** The gateway answers by itself (e.g. {@code GET /v1/models}). */
    record Answer(FullHttpResponse response) implements Plan {}

    /**
     * Forward the request.
     *
     * @param targets     the addresses to try in order (first preferred, the rest retry fallbacks); not empty
     * @param body        the body to send (spliced when the model was rewritten); owned by the plan's receiver
     * @param upstreamModel the model name the upstream answers with, null when no rewrite is needed
     * @param clientModel the name to restore in the response, null when no rewrite is needed
     * @param filters     the header modifiers of the matched rule, then of the chosen backendRef
     * @param promptTokens estimated prompt tokens (in-flight token load until the first token), >= 0
     * @param outputTokens estimated output tokens (in-flight token load until the end), >= 0
     * @param scores       the picker's explanation for the {@code x-infergate-scores} response header, or null
     * @param picker       the external picker's call, for the response phase (served endpoint, response headers),
     *                     or null for the in-process picker; the exchange ends it
     * @param retry        when a failed attempt is tried again ({@link RetryRule#DEFAULT} unless configured)
     * @param pool         the InferencePool the targets belong to (its annotations' outlier and retry-budget
     *                     limits), or null for a Service backend
     */
    record Forward(
            List<UpstreamTarget> targets,
            ByteBuf body,
            EncodedModelName upstreamModel,
            EncodedModelName clientModel,
            List<HttpRoute.Filter> filters,
            long promptTokens,
            long outputTokens,
            String scores,
            ExternalPickCall picker,
            RetryRule retry,
            PoolRuntime pool)
            implements Plan {

        public Forward {
            targets = List.copyOf(targets);
            filters = List.copyOf(filters);
            Objects.requireNonNull(retry, "retry");
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("targets: empty (expected: at least one)");
            }
        }

        /** The same forward sending {@code wireBody} instead (the received pieces of an unedited body). */
        public Forward withBody(ByteBuf wireBody) {
            return new Forward(
                    targets,
                    wireBody,
                    upstreamModel,
                    clientModel,
                    filters,
                    promptTokens,
                    outputTokens,
                    scores,
                    picker,
                    retry,
                    pool);
        }
    }
}
