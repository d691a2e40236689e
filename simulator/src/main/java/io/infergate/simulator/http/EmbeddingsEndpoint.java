package io.infergate.simulator.http;

import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings}: every input runs through the engine as a one-token request, so embeddings
 * cost prefill time and KV space like the real thing, and the response (deterministic unit vectors, see
 * {@link Embeddings}) is sent when all inputs have finished.
 *
 * <p>Threading: as {@link GenerationEndpoint}. Bad input: 400/404 like the generation endpoints; an input
 * longer than the context window is a 400 with the engine's context-length message.
 */
final class EmbeddingsEndpoint implements Endpoint {

    private final ServingContext sc;

    EmbeddingsEndpoint(ServingContext sc) {
        this.sc = sc;
    }

    @Override
    public void handle(HttpExchange exchange, FullHttpRequest http) {
        JsonNode body = Json.parse(http.content());
        EmbeddingRequest request = RequestParser.parseEmbedding(body);
        ServedModels models = sc.models();
        if (!models.serves(request.model())) {
            throw new ApiException(ApiError.modelNotFound(request.model()));
        }
        RequestIds.Draw draw = sc.ids().next("embd-");
        String model = request.model() != null ? request.model() : models.baseName();
        new Batch(exchange, draw.id(), model, models.adapterFor(request.model()), request).start();
    }

    /** One embeddings request in flight: its inputs' engine requests and the response. Event-loop confined. */
    private final class Batch {
        private final HttpExchange exchange;
        private final EventLoop loop;
        private final String id;
        private final String model;
        private final String adapter;
        private final EmbeddingRequest request;
        private final long created;
        private int remaining;
        private boolean closed;

        Batch(HttpExchange exchange, String id, String model, String adapter, EmbeddingRequest request) {
            this.exchange = exchange;
            this.loop = exchange.eventLoop();
            this.id = id;
            this.model = model;
            this.adapter = adapter;
            this.request = request;
            this.created = sc.nowUnixSeconds();
            this.remaining = request.inputs().size();
        }

        void start() {
            List<int[]> inputs = request.inputs();
            for (int i = 0; i < inputs.size(); i++) {
                EngineRequest er =
                        new EngineRequest(id + "-" + i, adapter, inputs.get(i), 1, FinishReason.LENGTH, -1, observer());
                try {
                    Submit.submit(sc, er);
                } catch (ApiException e) {
                    abortFirst(i);
                    throw e;
                }
            }
            exchange.onCancel(() -> {
                closed = true;
                abortFirst(inputs.size());
            });
        }

        private RequestObserver observer() {
            return new RequestObserver() {
                @Override
                public void onToken(int index, int tokenId, long nanoTime) {}

                @Override
                public void onFinish(RequestOutcome outcome) {
                    try {
                        loop.execute(() -> inputDone(outcome));
                    } catch (RejectedExecutionException e) {
                        // shutting down
                    }
                }
            };
        }

        private void inputDone(RequestOutcome outcome) {
            if (closed) {
                return;
            }
            if (outcome.reason() == FinishReason.ABORT) {
                closed = true;
                abortFirst(request.inputs().size());
                exchange.respondError(ApiError.internal("The request was aborted by the engine before it finished."));
                return;
            }
            if (--remaining > 0) {
                return;
            }
            closed = true;
            exchange.onCancel(null);
            if (exchange.faults().crashes()) {
                exchange.reset();
                return;
            }
            exchange.respond(HttpResponses.json(exchange.alloc(), HttpResponseStatus.OK, g -> {
                int promptTokens = 0;
                g.writeStartObject();
                g.writeStringProperty("id", id);
                g.writeStringProperty("object", "list");
                g.writeNumberProperty("created", created);
                g.writeStringProperty("model", model);
                g.writeArrayPropertyStart("data");
                for (int i = 0; i < request.inputs().size(); i++) {
                    int[] tokens = request.inputs().get(i);
                    promptTokens += tokens.length;
                    float[] v = Embeddings.vector(tokens, request.dimensions());
                    g.writeStartObject();
                    g.writeNumberProperty("index", i);
                    g.writeStringProperty("object", "embedding");
                    if (request.base64()) {
                        g.writeStringProperty("embedding", Embeddings.base64(v));
                    } else {
                        g.writeArrayPropertyStart("embedding");
                        for (float f : v) {
                            g.writeNumber(f);
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeObjectPropertyStart("usage");
                g.writeNumberProperty("prompt_tokens", promptTokens);
                g.writeNumberProperty("total_tokens", promptTokens);
                g.writeNumberProperty("completion_tokens", 0);
                g.writeNullProperty("prompt_tokens_details");
                g.writeEndObject();
                g.writeEndObject();
            }));
        }

        private void abortFirst(int n) {
            for (int i = 0; i < n; i++) {
                sc.runner().abort(id + "-" + i);
            }
        }
    }
}
