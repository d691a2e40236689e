package io.infergate.simulator.server;

import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.http.ApiError;
import io.infergate.simulator.http.ApiException;
import io.infergate.simulator.http.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link FaultConfig} to and from the admin API's JSON: field names as the record's components,
 * {@code metricsFault} in lower case, {@code errorStatuses} as a list (a single number is accepted too).
 * A PUT body is laid over {@link FaultConfig#NONE}, a PATCH body over the current config, so absent
 * fields keep those values.
 *
 * <p>Threading: stateless. Bad input: {@link ApiException} (400) naming the unknown field or the invalid
 * value and what was expected.
 */
final class FaultJson {

    private static final ObjectReader READER =
            Json.MAPPER.readerFor(FaultConfig.class).with(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private FaultJson() {}

    static JsonNode toJson(FaultConfig c) {
        return Json.MAPPER.valueToTree(c);
    }

    /** {@code base} with the fields of {@code patch} replaced. */
    static FaultConfig overlay(FaultConfig base, JsonNode patch) {
        if (!patch.isObject()) {
            throw bad("fault config: expected a JSON object such as {\"errorRate\": 0.5}");
        }
        ObjectNode merged = (ObjectNode) toJson(base);
        List<String> known = new ArrayList<>(merged.propertyNames());
        for (String field : patch.propertyNames()) {
            if (!merged.has(field)) {
                throw bad("fault config: unknown field '" + field + "' (expected one of: " + String.join(", ", known)
                        + ")");
            }
        }
        merged.setAll((ObjectNode) patch);
        try {
            return READER.readValue(merged);
        } catch (JacksonException | IllegalArgumentException e) {
            throw bad("fault config: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static ApiException bad(String message) {
        return new ApiException(ApiError.badRequest(message));
    }
}
