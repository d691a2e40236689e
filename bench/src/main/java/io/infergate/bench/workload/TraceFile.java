package io.infergate.bench.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workloads as JSONL: one JSON object per line, one line per request, with the {@link WorkloadRequest} fields:
 * <pre>{@code
 * {"arrivalNanos":0,"model":"m","priority":0,"prompt":"...","inputTokens":51,"maxOutputTokens":179,
 *  "sessionId":"","fairnessId":"sharegpt"}
 * }</pre>
 * Reading requires {@code arrivalNanos} (integer {@code >= 0}), {@code model} (non-blank string), {@code prompt}
 * (string) and {@code maxOutputTokens} (integer {@code >= 1}); {@code priority} defaults to 0,
 * {@code inputTokens} to the 4-characters-a-token estimate of the prompt, {@code sessionId} and {@code fairnessId}
 * to empty. Unknown fields are ignored (so a richer trace loads); blank lines are skipped. A line that is not a
 * JSON object, or has a missing or mistyped field, throws {@link TraceFormatException} naming the line and field.
 * Arrival times need not be sorted.
 *
 * <p>Stateless; thread-safe. Files are UTF-8.
 */
public final class TraceFile {

    private static final JsonMapper MAPPER = JsonMapper.shared();
    /** One generator a line, each on the caller's {@link Writer}, which must stay open for the next. */
    private static final ObjectWriter WRITER = MAPPER.writer().without(StreamWriteFeature.AUTO_CLOSE_TARGET);

    private TraceFile() {}

    public static void write(Path path, Iterable<WorkloadRequest> requests) {
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            write(w, requests);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    /** Writes one line per request; does not close {@code out}. */
    public static void write(Writer out, Iterable<WorkloadRequest> requests) throws IOException {
        for (WorkloadRequest r : requests) {
            try (JsonGenerator g = WRITER.createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberProperty("arrivalNanos", r.arrivalNanos());
                g.writeStringProperty("model", r.model());
                g.writeNumberProperty("priority", r.priority());
                g.writeStringProperty("prompt", r.prompt());
                g.writeNumberProperty("inputTokens", r.inputTokens());
                g.writeNumberProperty("maxOutputTokens", r.maxOutputTokens());
                g.writeStringProperty("sessionId", r.sessionId());
                g.writeStringProperty("fairnessId", r.fairnessId());
                g.writeEndObject();
            } catch (JacksonIOException e) {
                throw e.getCause(); // the Writer's own failure, as this method's signature promises
            }
            out.write('\n');
        }
        out.flush();
    }

    public static List<WorkloadRequest> read(Path path) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(r, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** Reads every request; {@code source} names the input in error messages. Does not close {@code in}. */
    public static List<WorkloadRequest> read(Reader in, String source) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<WorkloadRequest> out = new ArrayList<>();
        int n = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            n++;
            if (!line.isBlank()) {
                out.add(parse(line, source, n));
            }
        }
        return out;
    }

    static WorkloadRequest parse(String line, String source, int n) {
        JsonNode o;
        try {
            o = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new TraceFormatException(source, n, "not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new TraceFormatException(source, n, "expected a JSON object, got " + line.strip());
        }
        long arrival = longField(o, "arrivalNanos", source, n, true, 0);
        String model = stringField(o, "model", source, n);
        int priority = (int) intField(o, "priority", source, n, false, 0);
        String prompt = stringField(o, "prompt", source, n);
        int input = (int) intField(o, "inputTokens", source, n, false, WorkloadRequest.estimateTokens(prompt));
        int maxOut = (int) intField(o, "maxOutputTokens", source, n, true, 0);
        String session = o.has("sessionId") ? stringField(o, "sessionId", source, n) : "";
        String fairness = o.has("fairnessId") ? stringField(o, "fairnessId", source, n) : "";
        try {
            return new WorkloadRequest(arrival, model, priority, prompt, input, maxOut, session, fairness);
        } catch (IllegalArgumentException e) {
            // the record's message starts with the field name
            throw new TraceFormatException(source, n, "field " + e.getMessage());
        }
    }

    private static long longField(JsonNode o, String name, String source, int n, boolean required, long dflt) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new TraceFormatException(source, n, "field " + name + ": missing");
            }
            return dflt;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new TraceFormatException(source, n, "field " + name + ": " + v + " (expected: an integer)");
        }
        return v.longValue();
    }

    private static long intField(JsonNode o, String name, String source, int n, boolean required, long dflt) {
        long v = longField(o, name, source, n, required, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new TraceFormatException(source, n, "field " + name + ": " + v + " (expected: a 32-bit integer)");
        }
        return v;
    }

    private static String stringField(JsonNode o, String name, String source, int n) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new TraceFormatException(source, n, "field " + name + ": missing");
        }
        if (!v.isString()) {
            throw new TraceFormatException(source, n, "field " + name + ": " + v + " (expected: a string)");
        }
        return v.stringValue();
    }
}
