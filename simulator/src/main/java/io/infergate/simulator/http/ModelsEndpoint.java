package io.infergate.simulator.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

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
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (ServedModels.Card card : sc.models().cards()) {
                g.writeStartObject();
                g.writeStringField("id", card.id());
                g.writeStringField("object", "model");
                g.writeNumberField("created", created);
                g.writeStringField("owned_by", "vllm");
                g.writeStringField("root", card.root());
                g.writeStringField("parent", card.parent());
                if (card.base()) {
                    g.writeNumberField("max_model_len", maxModelLen);
                } else {
                    g.writeNullField("max_model_len");
                }
                permission(g, created);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private void permission(JsonGenerator g, long created) throws IOException {
        g.writeArrayFieldStart("permission");
        g.writeStartObject();
        g.writeStringField("id", sc.auxIds().next("modelperm-").id());
        g.writeStringField("object", "model_permission");
        g.writeNumberField("created", created);
        g.writeBooleanField("allow_create_engine", false);
        g.writeBooleanField("allow_sampling", true);
        g.writeBooleanField("allow_logprobs", true);
        g.writeBooleanField("allow_search_indices", false);
        g.writeBooleanField("allow_view", true);
        g.writeBooleanField("allow_fine_tuning", false);
        g.writeStringField("organization", "*");
        g.writeNullField("group");
        g.writeBooleanField("is_blocking", false);
        g.writeEndObject();
        g.writeEndArray();
    }
}
