package io.infergate.scheduler.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which series of a scrape holds one value: GIE's metric spec, a PromQL instant-vector selector such as
 * {@code vllm:num_requests_waiting} or {@code nv_trt_llm_request_metrics{request_type="waiting"}}.
 *
 * <p>Syntax, as GIE v1.5.0 accepts it ({@code spec.go}): a metric name, optionally followed by {@code {}} with
 * comma-separated matchers {@code label op value}. Values may be double-quoted, single-quoted, backquoted (raw)
 * or, unlike plain PromQL, unquoted ({@code {request_type=waiting}}: up to the next comma, brace, quote,
 * {@code =} or blank). Only equality matchers are kept: {@code !=}, {@code =~} and {@code !~} parse but are dropped, as are
 * matchers on {@code __}-prefixed pseudo labels. A label given twice keeps its last value. Blanks between tokens
 * and a trailing comma are allowed.
 *
 * <p>Matching: a series matches when, for every kept matcher, it has that label with exactly that value; as in
 * PromQL, {@code label=""} also matches a series without the label. Which of several matching series is used is
 * the reader's rule (the newest exposition timestamp for plain specs, the largest value for LoRA info; see
 * {@link MetricsExtractor}).
 *
 * <p>Immutable and thread-safe. {@link #parse} throws {@link InvalidMetricSpecException} for a bad spec.
 */
public final class MetricSpec {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final Map<String, String> labels;
    // The same pairs as arrays: matching runs once per candidate sample and must not allocate iterators.
    private final String[] labelNames;
    private final String[] labelValues;

    /**
     * A spec selecting {@code name} series that carry all of {@code labels}.
     *
     * @throws IllegalArgumentException if a name is not a valid metric or label name
     */
    public MetricSpec(String name, Map<String, String> labels) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name: '" + name + "' (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (k == null || !LABEL_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("label name: '" + k + "' (expected: [a-zA-Z_][a-zA-Z0-9_]*)");
            }
            copy.put(k, Objects.requireNonNull(v, "label value"));
        });
        this.name = name;
        this.labels = Collections.unmodifiableMap(copy);
        this.labelNames = copy.keySet().toArray(String[]::new);
        this.labelValues = copy.values().toArray(String[]::new);
    }

    /** A spec on {@code name} alone. */
    public static MetricSpec of(String name) {
        return new MetricSpec(name, Map.of());
    }

    /**
     * Parses GIE's spec syntax.
     *
     * @throws InvalidMetricSpecException if {@code spec} is null, blank or not a selector
     */
    public static MetricSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidMetricSpecException(
                    "metric spec: '" + spec
                            + "' (expected: name{label=value,...}; an empty spec disables a metric only where the config allows it)");
        }
        return new SpecParser(spec).parse();
    }

    /** As {@link #parse}, but null or blank means "disabled" and yields null, as an empty spec does in GIE. */
    public static MetricSpec parseOrNull(String spec) {
        return spec == null || spec.isBlank() ? null : parse(spec);
    }

    public String name() {
        return name;
    }

    /** The equality matchers, in the order given. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Whether {@code s} carries every label this spec requires. Allocates nothing for ASCII values. */
    boolean matches(Sample s) {
        for (int i = 0; i < labelNames.length; i++) {
            String want = labelValues[i];
            if (want.isEmpty()) {
                int at = s.indexOfLabel(labelNames[i]);
                if (at >= 0 && !s.labelEquals(labelNames[i], "")) {
                    return false;
                }
            } else if (!s.labelEquals(labelNames[i], want)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricSpec other && name.equals(other.name) && labels.equals(other.labels);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + labels.hashCode();
    }

    /** The canonical spelling, {@code name{label="value",...}}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labelNames.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labelNames[i]).append("=\"");
            String v = labelValues[i];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** Recursive-descent reader of one spec string. */
    private static final class SpecParser {

        /** Characters that end an unquoted value; '=' too, so that "a==1" is an error, not the value "=1". */
        private static final String UNQUOTED_STOP = "\"'`,{}=";

        private final String s;
        private int p;

        SpecParser(String s) {
            this.s = s;
        }

        MetricSpec parse() {
            skipBlanks();
            int start = p;
            if (p < s.length() && isNameStart(s.charAt(p))) {
                for (p++; p < s.length() && isNameChar(s.charAt(p)); p++) {
                    // scan
                }
            }
            if (p == start) {
                throw error("expected a metric name");
            }
            String metric = s.substring(start, p);
            Map<String, String> equal = new LinkedHashMap<>();
            skipBlanks();
            if (p < s.length() && s.charAt(p) == '{') {
                p++;
                matchers(equal);
            }
            skipBlanks();
            if (p != s.length()) {
                throw error("unexpected " + quoteChar(s.charAt(p)));
            }
            return new MetricSpec(metric, equal);
        }

        private void matchers(Map<String, String> equal) {
            while (true) {
                skipBlanks();
                if (p == s.length()) {
                    throw error("missing '}'");
                }
                if (s.charAt(p) == '}') {
                    p++;
                    return;
                }
                int start = p;
                if (isLabelStart(s.charAt(p))) {
                    for (p++; p < s.length() && isLabelChar(s.charAt(p)); p++) {
                        // scan
                    }
                }
                if (p == start) {
                    throw error("expected a label name");
                }
                String label = s.substring(start, p);
                skipBlanks();
                boolean equality = operator();
                skipBlanks();
                String value = value();
                if (equality && !label.startsWith("__")) {
                    equal.remove(label); // last one wins, in its own position
                    equal.put(label, value);
                }
                skipBlanks();
                if (p < s.length() && s.charAt(p) == ',') {
                    p++;
                } else if (p < s.length() && s.charAt(p) == '}') {
                    p++;
                    return;
                } else {
                    throw error(p == s.length() ? "missing '}'" : "expected ',' or '}'");
                }
            }
        }

        /** Reads a matcher operator; true for {@code =}. */
        private boolean operator() {
            if (s.startsWith("!=", p) || s.startsWith("=~", p) || s.startsWith("!~", p)) {
                p += 2;
                return false;
            }
            if (p < s.length() && s.charAt(p) == '=') {
                p++;
                return true;
            }
            throw error("expected one of =, !=, =~, !~");
        }

        private String value() {
            if (p == s.length()) {
                throw error("expected a label value");
            }
            char q = s.charAt(p);
            if (q == '"' || q == '\'') {
                return quoted(q);
            }
            if (q == '`') {
                int close = s.indexOf('`', p + 1);
                if (close < 0) {
                    throw error("unterminated `-quoted label value");
                }
                String v = s.substring(p + 1, close);
                p = close + 1;
                return v;
            }
            int start = p;
            while (p < s.length() && UNQUOTED_STOP.indexOf(s.charAt(p)) < 0 && !Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            if (p == start) {
                throw error("expected a label value");
            }
            return s.substring(start, p);
        }

        private String quoted(char q) {
            StringBuilder v = new StringBuilder();
            for (p++; p < s.length(); p++) {
                char c = s.charAt(p);
                if (c == q) {
                    p++;
                    return v.toString();
                }
                if (c == '\\') {
                    if (++p == s.length()) {
                        break;
                    }
                    char x = s.charAt(p);
                    switch (x) {
                        case 'n' -> v.append('\n');
                        case 't' -> v.append('\t');
                        case 'r' -> v.append('\r');
                        case '\\', '"', '\'' -> v.append(x);
                        default -> throw error("invalid escape sequence \\" + x);
                    }
                } else {
                    v.append(c);
                }
            }
            throw error("unterminated " + q + "-quoted label value");
        }

        private InvalidMetricSpecException error(String what) {
            return new InvalidMetricSpecException(
                    "metric spec '" + s + "': " + what + " at offset " + p
                            + " (expected: name{label=value,...}, for example nv_trt_llm_request_metrics{request_type=waiting})");
        }

        private void skipBlanks() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        private static String quoteChar(char c) {
            return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
        }

        private static boolean isNameStart(char c) {
            return isLabelStart(c) || c == ':';
        }

        private static boolean isNameChar(char c) {
            return isLabelChar(c) || c == ':';
        }

        private static boolean isLabelStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }

        private static boolean isLabelChar(char c) {
            return isLabelStart(c) || (c >= '0' && c <= '9');
        }
    }
}
