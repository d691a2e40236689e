package io.infergate.bench.report;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.SweepReport;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link SweepReport} as pretty-printed JSON, and back. The layout, in this field order:
 * <pre>{@code
 * {
 *   "format": "infergate-sweep-report/1",
 *   "workload": "shared-prefix",
 *   "description": "...",
 *   "settings": { "fleet": "8 x H100", ... },
 *   "points": [
 *     {
 *       "policy": "round-robin",
 *       "rate": 4.0,
 *       "seed": 1,
 *       "summary": { "sent": 1200, "completed": 1190, ..., "slo": { "ttftMillis": 2000.0, "tpotMillis": 100.0 } }
 *     }
 *   ]
 * }
 * }</pre>
 * The {@code summary} object has one field per {@link RunSummary} record component, named and ordered as the
 * record declares them, so a metric added to the record appears here without a change to this class. Settings keep
 * their insertion order.
 *
 * <p>The round trip is exact: doubles are written in their shortest exact form; NaN (a metric with no data) is
 * written as {@code null} and read back as NaN; infinities, which JSON cannot express, as the strings
 * {@code "Infinity"} and {@code "-Infinity"}. Output is byte-for-byte deterministic: two-space indent, {@code \n}
 * line ends on every platform, a final newline.
 *
 * <p>Reading is strict: a missing or mistyped field throws {@link ReportFormatException} naming the source and the
 * field's path ({@code points[3].summary.ttftP90}); unknown fields are ignored, so a newer writer's extra fields
 * load.
 *
 * <p>Stateless; thread-safe. Files are UTF-8.
 */
public final class JsonReport {

    /** The value of the {@code format} field; changes when the layout changes incompatibly. */
    public static final String FORMAT = "infergate-sweep-report/1";

    private static final JsonMapper MAPPER = JsonMapper.shared();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
                    Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER))
            // DefaultIndenter's default line end is the platform's; reports must be the same bytes everywhere
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    /** The caller's {@link Writer} stays open: {@link #write(Writer, SweepReport)} appends the final newline. */
    private static final ObjectWriter WRITER =
            MAPPER.writer().with(PRETTY).without(StreamWriteFeature.AUTO_CLOSE_TARGET);

    private JsonReport() {}

    /** The report as a JSON document, ending with a newline. */
    public static String toJson(SweepReport report) {
        StringWriter w = new StringWriter();
        try {
            write(w, report);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string", e); // a StringWriter does not throw
        }
        return w.toString();
    }

    /** Writes the report to {@code path} (created or replaced); an I/O error is rethrown naming the path. */
    public static void write(Path path, SweepReport report) {
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            write(w, report);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    /** Writes the report and a final newline; flushes, does not close {@code out}. */
    public static void write(Writer out, SweepReport report) throws IOException {
        try (JsonGenerator g = WRITER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("format", FORMAT);
            g.writeStringProperty("workload", report.workload());
            g.writeStringProperty("description", report.description());
            g.writeObjectPropertyStart("settings");
            for (Map.Entry<String, String> e : report.settings().entrySet()) {
                g.writeStringProperty(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayPropertyStart("points");
            for (SweepReport.Point p : report.points()) {
                g.writeStartObject();
                g.writeStringProperty("policy", p.policy());
                g.writeName("rate");
                writeDouble(g, p.rate());
                g.writeNumberProperty("seed", p.seed());
                g.writeName("summary");
                writeRecord(g, p.summary());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (JacksonIOException e) {
            throw e.getCause(); // the Writer's own failure, as this method's signature promises
        }
        out.write('\n');
        out.flush();
    }

    /** Reads a report written by {@link #write(Path, SweepReport)}; an I/O error is rethrown naming the path. */
    public static SweepReport read(Path path) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(r, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** Parses a JSON document; errors name the source as {@code json}. */
    public static SweepReport fromJson(String json) {
        return parse(tree(json, "json"), "json");
    }

    /**
     * Reads a report; {@code source} names the input in error messages. Does not close {@code in}.
     *
     * @throws ReportFormatException when the input is not a report
     */
    public static SweepReport read(Reader in, String source) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JacksonIOException e) {
            throw e.getCause(); // the Reader's own failure, not a format problem
        } catch (JacksonException e) {
            throw new ReportFormatException(source, "", "not JSON: " + e.getOriginalMessage(), e);
        }
        return parse(root, source);
    }

    private static JsonNode tree(String json, String source) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new ReportFormatException(source, "", "not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static SweepReport parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new ReportFormatException(source, "", "expected a JSON object");
        }
        String format = string(field(root, "format", "", source), "format", source);
        if (!FORMAT.equals(format)) {
            throw new ReportFormatException(source, "format", "\"" + format + "\" (expected: " + FORMAT + ")");
        }
        String workload = string(field(root, "workload", "", source), "workload", source);
        String description = string(field(root, "description", "", source), "description", source);
        JsonNode s = field(root, "settings", "", source);
        if (!s.isObject()) {
            throw new ReportFormatException(source, "settings", s + " (expected: an object of strings)");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            settings.put(e.getKey(), string(e.getValue(), "settings." + e.getKey(), source));
        }
        JsonNode ps = field(root, "points", "", source);
        if (!ps.isArray()) {
            throw new ReportFormatException(source, "points", "expected an array");
        }
        List<SweepReport.Point> points = new ArrayList<>(ps.size());
        for (int i = 0; i < ps.size(); i++) {
            String at = "points[" + i + "]";
            JsonNode p = ps.get(i);
            if (!p.isObject()) {
                throw new ReportFormatException(source, at, "expected an object");
            }
            points.add(new SweepReport.Point(
                    string(field(p, "policy", at, source), at + ".policy", source),
                    number(field(p, "rate", at, source), at + ".rate", source),
                    integral(field(p, "seed", at, source), at + ".seed", source, Long.MIN_VALUE, Long.MAX_VALUE),
                    readRecord(field(p, "summary", at, source), RunSummary.class, at + ".summary", source)));
        }
        return new SweepReport(workload, description, settings, points);
    }

    // ---- records by their components: RunSummary and the Slo inside it

    private static void writeRecord(JsonGenerator g, Record r) {
        g.writeStartObject();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            g.writeName(c.getName());
            switch (component(r, c)) {
                case Integer i -> g.writeNumber(i);
                case Long l -> g.writeNumber(l);
                case Double d -> writeDouble(g, d);
                case String s -> g.writeString(s);
                case Record nested -> writeRecord(g, nested);
                case null, default ->
                    throw new IllegalStateException(r.getClass().getSimpleName() + "." + c.getName() + ": cannot write "
                            + c.getType() + " as JSON");
            }
        }
        g.writeEndObject();
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + r.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R readRecord(JsonNode o, Class<R> type, String path, String source) {
        if (!o.isObject()) {
            throw new ReportFormatException(source, path, o + " (expected: an object)");
        }
        RecordComponent[] cs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[cs.length];
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            Class<?> t = cs[i].getType();
            String at = path + "." + cs[i].getName();
            JsonNode v = field(o, cs[i].getName(), path, source);
            types[i] = t;
            if (t == int.class) {
                args[i] = (int) integral(v, at, source, Integer.MIN_VALUE, Integer.MAX_VALUE);
            } else if (t == long.class) {
                args[i] = integral(v, at, source, Long.MIN_VALUE, Long.MAX_VALUE);
            } else if (t == double.class) {
                args[i] = number(v, at, source);
            } else if (t == String.class) {
                args[i] = string(v, at, source);
            } else if (t.isRecord()) {
                args[i] = readRecord(v, (Class<? extends Record>) t, at, source);
            } else {
                throw new IllegalStateException(
                        type.getSimpleName() + "." + cs[i].getName() + ": cannot read " + t + " from JSON");
            }
        }
        try {
            Constructor<R> canonical = type.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            // the record's own validation, e.g. an SLO bound <= 0
            throw new ReportFormatException(
                    source, path, String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("constructing " + type.getSimpleName(), e);
        }
    }

    // ---- fields

    private static void writeDouble(JsonGenerator g, double d) {
        if (Double.isNaN(d)) {
            g.writeNull();
        } else if (Double.isInfinite(d)) {
            g.writeString(d > 0 ? "Infinity" : "-Infinity");
        } else {
            g.writeNumber(d);
        }
    }

    private static JsonNode field(JsonNode o, String name, String path, String source) {
        JsonNode v = o.get(name);
        if (v == null) {
            throw new ReportFormatException(source, path.isEmpty() ? name : path + "." + name, "missing");
        }
        return v;
    }

    private static String string(JsonNode v, String path, String source) {
        if (!v.isString()) {
            throw new ReportFormatException(source, path, v + " (expected: a string)");
        }
        return v.stringValue();
    }

    private static double number(JsonNode v, String path, String source) {
        if (v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isString()) {
            switch (v.stringValue()) {
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                case "NaN" -> {
                    return Double.NaN;
                }
                default -> {}
            }
        }
        throw new ReportFormatException(source, path, v + " (expected: a number or null)");
    }

    private static long integral(JsonNode v, String path, String source, long min, long max) {
        if (!v.isNumber()
                || !v.canConvertToExactIntegral()
                || !v.canConvertToLong()
                || v.longValue() < min
                || v.longValue() > max) {
            throw new ReportFormatException(source, path, v + " (expected: an integer in " + min + ".." + max + ")");
        }
        return v.longValue();
    }
}
