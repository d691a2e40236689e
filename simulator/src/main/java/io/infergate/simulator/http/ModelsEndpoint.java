package io.infergate.simulator.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import tools.jackson.core.JsonGenerator;

/**
 * {@code GET /v1/models}: the base model and the loaded LoRA adapters as vLLM lists them ({@code owned_by:
 * "vllm"}, {@code root} = the model path or adapter path, {@code parent} = the base model for adapters,
 * {@code max_model_len} on the base model only, one {@code model_permission}).
 *
 * <p>Threading: event loop; reads snapshots only.
 */
final class ModelsEndpoint implements Endpoint {

    private final ServingContext sc;

    ModelsEndpoint(ServingContext sc) {
        this.sc = sc;
    }

    @Override
    public void handle(HttpExchange exchange, FullHttpRequest request) {
        long created = sc.nowUnixSeconds();
        int maxModelLen = sc.engine().config().maxModelLen();
        exchange.respond(HttpResponses.json(exchange.alloc(), HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringProperty("object", "list");
            g.writeArrayPropertyStart("data");
            for (ServedModels.Card card : sc.models().cards()) {
                g.writeStartObject();
                g.writeStringProperty("id", card.id());
                g.writeStringProperty("object", "model");
                g.writeNumberProperty("created", created);
                g.writeStringProperty("owned_by", "vllm");
                g.writeStringProperty("root", card.root());
                g.writeStringProperty("parent", card.parent());
                if (card.base()) {
                    g.writeNumberProperty("max_model_len", maxModelLen);
                } else {
                    g.writeNullProperty("max_model_len");
                }
                permission(g, created);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private void permission(JsonGenerator g, long created) {
        g.writeArrayPropertyStart("permission");
        g.writeStartObject();
        g.writeStringProperty("id", sc.auxIds().next("modelperm-").id());
        g.writeStringProperty("object", "model_permission");
        g.writeNumberProperty("created", created);
        g.writeBooleanProperty("allow_create_engine", false);
        g.writeBooleanProperty("allow_sampling", true);
        g.writeBooleanProperty("allow_logprobs", true);
        g.writeBooleanProperty("allow_search_indices", false);
        g.writeBooleanProperty("allow_view", true);
        g.writeBooleanProperty("allow_fine_tuning", false);
        g.writeStringProperty("organization", "*");
        g.writeNullProperty("group");
        g.writeBooleanProperty("is_blocking", false);
        g.writeEndObject();
        g.writeEndArray();
    }
}
