package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.Ticket;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RequestPipeline} decided for one request, a small closed set in the manner of grpc-java's
 * {@code PickResult}: {@link Forward} it to ranked endpoints, it waits {@link Queued} in flow control, or
 * {@link Refuse} it with one {@link ErrorCode}. Transports only translate a decision into their wire format.
 * Immutable values (a {@link Queued} holds the live ticket).
 */
public sealed interface Decision {

    /**
     * What the pipeline asked the picker for (target model, priority, flow, prompt), or null for a request refused
     * before its model was resolved. Transports log the target model and priority from it.
     */
    PickRequest request();

    /**
     * Forward the request.
     *
     * @param request      what the endpoints were picked for
     * @param endpoints    ranked: the first preferred, the rest fallbacks; not empty
     * @param rewrite      the body edit: the model name to splice into the body and to restore in the response, or
     *                     null to send the body unchanged
     * @param promptTokens the prompt tokens the in-flight lease is charged with ({@link TokenEstimate}), >= 0
     * @param outputTokens the output tokens the in-flight lease is charged with ({@link TokenEstimate}), >= 0
     * @param explanation  the picker's per-scorer explanation when the request asked for one and the picker can
     *                     explain itself, or null
     * @param replacement  the body to send instead of the client's, as an external endpoint picker returned it, or
     *                     null to send the client's body (spliced when {@code rewrite} is set); with a replacement,
     *                     {@code rewrite} only names what to restore in the response (the replacement already
     *                     carries the upstream name). Not copied: must not be modified
     */
    record Forward(
            PickRequest request,
            List<Endpoint> endpoints,
            Rewrite rewrite,
            long promptTokens,
            long outputTokens,
            String explanation,
            byte[] replacement)
            implements Decision {
        public Forward {
            Objects.requireNonNull(request, "request");
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints: empty (expected: at least one)");
            }
        }

        /** The preferred endpoint. */
        public Endpoint preferred() {
            return endpoints.getFirst();
        }
    }

    /**
     * The request waits in its flow's queue. When {@code ticket}'s outcome completes (on the executor the request
     * named), the transport calls {@link #resume} for the next decision: a {@link Forward} or a {@link Refuse},
     * never another {@link Queued}. A transport whose client went away cancels the ticket instead.
     */
    record Queued(PickRequest request, Ticket<Object> ticket, Resumption resumption) implements Decision {
        public Queued {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(ticket, "ticket");
            Objects.requireNonNull(resumption, "resumption");
        }

        /**
         * The decision once flow control has spoken: picked when dispatched, refused otherwise.
         *
         * @param outcome the ticket's outcome, or null when it completed exceptionally
         * @param failure the exception it completed with, or null
         */
        public Decision resume(Outcome outcome, Throwable failure) {
            return resumption.resume(outcome, failure);
        }
    }

    /** How a {@link Queued} request continues; the pipeline supplies it. */
    @FunctionalInterface
    interface Resumption {
        Decision resume(Outcome outcome, Throwable failure);
    }

    /**
     * Refuse the request.
     *
     * @param code    the refusal's entry in the table
     * @param status  the HTTP status to answer with: the code's, or a rejection's own (400..599)
     * @param message what went wrong, for the error body
     * @param request what the pipeline resolved before refusing, or null when it refused before model resolution
     */
    record Refuse(ErrorCode code, int status, String message, PickRequest request) implements Decision {
        public Refuse {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
            }
        }

        /** With the code's default status. */
        public Refuse(ErrorCode code, String message, PickRequest request) {
            this(code, code.status(), message, request);
        }
    }

    /**
     * The body edit of a rewritten model: {@code upstream} is spliced into the body's {@code model}
     * ({@code ModelSplicer}) and {@code client} restored in the response ({@code ModelNameRestorer}).
     *
     * @param splicedLength the body's length after the splice
     */
    record Rewrite(EncodedModelName upstream, EncodedModelName client, int splicedLength) {
        public Rewrite {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(client, "client");
        }
    }
}
