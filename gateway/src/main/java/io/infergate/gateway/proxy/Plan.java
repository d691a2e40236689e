package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.infergate.scheduler.openai.EncodedModelName;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;

/** What {@link RequestRouter} decided for one request: answer it here, or forward it. */
sealed interface Plan {

    /**
     * The pool has flow control and the request waits in its queue: when {@code ticket}'s outcome is
     * {@code Dispatched}, {@code resume} picks the endpoint and returns the plan (a {@link Forward}, owning the body
     * to send, or it throws {@link ProxyException}); any other outcome, or a client that went away, calls
     * {@code discard} instead. Exactly one of the two is called. The caller keeps owning the request body, as for
     * a synchronous plan.
     */
    record Deferred(io.infergate.scheduler.admission.Ticket<Object> ticket, java.util.function.Supplier<Plan> resume,
                    Runnable discard) implements Plan {
    }

    /** The gateway answers by itself (e.g. {@code GET /v1/models}). */
    record Answer(FullHttpResponse response) implements Plan {
    }

    /**
     * Forward the request.
     *
     * @param targets     the addresses to try in order (first preferred, the rest retry fallbacks); not empty
     * @param body        the body to send (spliced when the model was rewritten); owned by the plan's receiver
     * @param upstreamModel the model name the upstream answers with, null when no rewrite is needed
     * @param clientModel the name to restore in the response, null when no rewrite is needed
     * @param filters     the matched rule's filters (header modifiers)
     * @param promptTokens estimated prompt tokens (in-flight token load until the first token), >= 0
     * @param outputTokens estimated output tokens (in-flight token load until the end), >= 0
     * @param scores       the picker's explanation for the {@code x-infergate-scores} response header, or null
     */
    record Forward(List<UpstreamTarget> targets, ByteBuf body, EncodedModelName upstreamModel,
                   EncodedModelName clientModel, List<HttpRoute.Filter> filters, long promptTokens,
                   long outputTokens, String scores) implements Plan {
        public Forward {
            targets = List.copyOf(targets);
            filters = List.copyOf(filters);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("targets: empty (expected: at least one)");
            }
        }
    }
}
