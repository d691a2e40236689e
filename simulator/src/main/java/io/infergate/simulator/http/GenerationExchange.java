package io.infergate.simulator.http;

import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import io.infergate.simulator.text.TokenText;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one chat or completion request from the engine to the client: receives token events on the
 * engine thread, hops to the connection's event loop, and writes either one SSE chunk per token (flushed
 * at once) or, for a non-streamed request, the whole response when the request finishes.
 *
 * <p>Streams are vLLM-shaped: headers as soon as the request is accepted; for chat a role chunk before the
 * first token; the last token's chunk carries {@code finish_reason}; then the usage chunk (when
 * {@code stream_options.include_usage}) and {@code data: [DONE]}. If the engine aborts a request while the
 * client still listens (the replica shuts down), a stream gets vLLM's in-stream error event and a
 * non-streamed request a 500.
 *
 * <p>Threading: {@link #onToken}/{@link #onFinish} run on the engine thread and only post to the event
 * loop; everything else is event-loop confined. A client that goes away aborts the engine request; so does
 * an injected crash or a client that stops reading (see {@link HttpExchange#writeChunk}).
 */
final class GenerationExchange implements RequestObserver {

    private static final Logger log = LoggerFactory.getLogger(GenerationExchange.class);

    private final HttpExchange exchange;
    private final RealtimeEngineRunner runner;
    private final EventLoop loop;
    private final OpenAiBodies.Head head;
    private final boolean stream;
    private final boolean includeUsage;
    private final int promptTokens;
    private final int plannedTokens;
    private final FinishReason plannedReason;
    private final int crashAfterEvents;

    // event-loop state
    private final StringBuilder text;
    private int events;
    private boolean finishReasonSent;
    private boolean closed;

    GenerationExchange(
            HttpExchange exchange,
            RealtimeEngineRunner runner,
            OpenAiBodies.Head head,
            GenerationRequest request,
            int plannedTokens,
            FinishReason plannedReason) {
        this.exchange = exchange;
        this.runner = runner;
        this.loop = exchange.eventLoop();
        this.head = head;
        this.stream = request.stream();
        this.includeUsage = request.includeUsage();
        this.promptTokens = request.promptTokens().length;
        this.plannedTokens = plannedTokens;
        this.plannedReason = plannedReason;
        this.crashAfterEvents = exchange.faults().crashAfterChunks();
        this.text = stream ? null : new StringBuilder(plannedTokens * 6);
    }

    /** Event loop, right after the engine accepted the request. */
    void start() {
        exchange.onCancel(this::abortEngineRequest);
        if (stream) {
            exchange.startEventStream();
            if (crashAfterEvents == 0) {
                crash();
            }
        }
    }

    // ---- engine thread ----

    @Override
    public void onToken(int index, int tokenId, long nanoTime) {
        post(() -> token(index, tokenId));
    }

    @Override
    public void onFinish(RequestOutcome outcome) {
        post(() -> finish(outcome));
    }

    private void post(Runnable r) {
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // a bug must not leave the client waiting forever: give up on this response
                    log.warn("response {} failed; resetting its connection", head.id(), e);
                    abandon();
                }
            });
        } catch (RejectedExecutionException e) {
            // the server is shutting down; the connection goes with it
        }
    }

    // ---- event loop ----

    private void token(int index, int tokenId) {
        if (closed) {
            return;
        }
        String piece = TokenText.piece(tokenId);
        if (!stream) {
            text.append(piece);
            return;
        }
        if (index == 0 && head.kind() == GenerationRequest.Kind.CHAT && !event(OpenAiBodies.roleChunk(head))) {
            return;
        }
        boolean last = index == plannedTokens - 1;
        finishReasonSent |= last;
        event(OpenAiBodies.contentChunk(head, piece, last ? plannedReason.label() : null));
    }

    private void finish(RequestOutcome outcome) {
        if (closed) {
            return;
        }
        closed = true;
        exchange.onCancel(null);
        OpenAiBodies.Usage usage =
                new OpenAiBodies.Usage(promptTokens, outcome.outputTokens(), outcome.cachedPromptTokens());
        if (outcome.reason() == FinishReason.ABORT) {
            ApiError error = ApiError.internal("The request was aborted by the engine before it finished.");
            if (stream) {
                if (exchange.writeChunk(Json.sseEvent(exchange.alloc(), OpenAiBodies.streamError(error)))) {
                    exchange.writeChunk(Json.sseLiteral(exchange.alloc(), "[DONE]"));
                }
                exchange.endStream();
            } else {
                exchange.respondError(error);
            }
            return;
        }
        if (!stream) {
            if (exchange.faults().crashes()) {
                exchange.reset();
                return;
            }
            exchange.respond(HttpResponses.json(
                    exchange.alloc(),
                    HttpResponseStatus.OK,
                    OpenAiBodies.completeResponse(head, text, outcome.reason().label(), usage)));
            return;
        }
        if (!finishReasonSent
                && !rawEvent(OpenAiBodies.contentChunk(
                        head,
                        head.kind() == GenerationRequest.Kind.CHAT ? null : "",
                        outcome.reason().label()))) {
            return;
        }
        if (includeUsage && !rawEvent(OpenAiBodies.usageChunk(head, usage))) {
            return;
        }
        if (exchange.writeChunk(Json.sseLiteral(exchange.alloc(), "[DONE]"))) {
            exchange.endStream();
        } else {
            exchange.reset();
        }
    }

    /** Writes one SSE event while the request is live; false if the response was abandoned. */
    private boolean event(Json.Writer chunk) {
        if (!exchange.writeChunk(Json.sseEvent(exchange.alloc(), chunk))) {
            abandon();
            return false;
        }
        if (++events == crashAfterEvents) {
            crash();
            return false;
        }
        return true;
    }

    /** Writes one SSE event after the engine finished (nothing left to abort). */
    private boolean rawEvent(Json.Writer chunk) {
        if (!exchange.writeChunk(Json.sseEvent(exchange.alloc(), chunk))) {
            exchange.reset();
            return false;
        }
        if (++events == crashAfterEvents) {
            exchange.reset();
            return false;
        }
        return true;
    }

    private void crash() {
        abandon();
    }

    /** Stops generating for a client we no longer serve and resets its connection. */
    private void abandon() {
        closed = true;
        exchange.onCancel(null);
        runner.abort(head.id());
        exchange.reset();
    }

    private void abortEngineRequest() {
        closed = true;
        runner.abort(head.id());
    }
}
