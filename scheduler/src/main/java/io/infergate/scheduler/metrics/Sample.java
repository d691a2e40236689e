package io.infergate.scheduler.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample of a wanted family, as the parser hands it to a {@link SampleVisitor}: a view over the input
 * bytes that the parser reuses for the next sample. Read what you need inside
 * {@link SampleVisitor#sample(Sample)}; do not keep the object.
 *
 * <p>Label names and values are decoded only when asked for ({@link #labelValue}, {@link #label}), so
 * {@link #labelEquals} on ASCII values and the numeric accessors allocate nothing. Label values are unescaped
 * ({@code \\}, {@code \"}, {@code \n}) and decoded as UTF-8 (invalid bytes become U+FFFD). A label name given
 * twice on one line is kept twice; lookups by name see the first.
 *
 * <p>Threading: confined to the parsing thread, valid only during the callback.
 */
public final class Sample {

    private final List<String> familyNames;
    private byte[] buf;
    private int family;
    private SampleSuffix suffix;
    private MetricType type;
    private int line;
    private double value;
    private boolean hasTimestamp;
    private long timestampMs;
    private int labelCount;
    // Per label: name start, name end, value start, value end (raw, between the quotes).
    private int[] bounds = new int[4 * 16];
    private boolean[] escaped = new boolean[16];

    Sample(List<String> familyNames) {
        this.familyNames = familyNames;
    }

    // ---- filled by the parser ----

    void start(byte[] b, int family, SampleSuffix suffix, MetricType type, int line) {
        this.buf = b;
        this.family = family;
        this.suffix = suffix;
        this.type = type;
        this.line = line;
        this.labelCount = 0;
        this.hasTimestamp = false;
        this.timestampMs = 0;
    }

    void addLabel(int nameStart, int nameEnd, int valueStart, int valueEnd, boolean hasEscapes) {
        int i = labelCount;
        if (i == escaped.length) {
            bounds = Arrays.copyOf(bounds, bounds.length * 2);
            escaped = Arrays.copyOf(escaped, escaped.length * 2);
        }
        bounds[4 * i] = nameStart;
        bounds[4 * i + 1] = nameEnd;
        bounds[4 * i + 2] = valueStart;
        bounds[4 * i + 3] = valueEnd;
        escaped[i] = hasEscapes;
        labelCount = i + 1;
    }

    void finish(double value, boolean hasTimestamp, long timestampMs) {
        this.value = value;
        this.hasTimestamp = hasTimestamp;
        this.timestampMs = timestampMs;
    }

    // ---- read by visitors ----

    /** The index of the sample's family in the parser's {@link PrometheusTextParser#families()}. */
    public int family() {
        return family;
    }

    /** The wanted family this sample belongs to, e.g. {@code vllm:prompt_tokens} for {@code vllm:prompt_tokens_total}. */
    public String familyName() {
        return familyNames.get(family);
    }

    /** How the sample name extends the family name. */
    public SampleSuffix suffix() {
        return suffix;
    }

    /** The sample name as written: family name plus suffix. Allocates. */
    public String name() {
        return suffix == SampleSuffix.NONE ? familyName() : familyName() + suffix.text();
    }

    /** The family's type from its {@code # TYPE} line so far, {@link MetricType#UNTYPED} without one. */
    public MetricType type() {
        return type;
    }

    /** The 1-based line number of the sample in the parsed text. */
    public int line() {
        return line;
    }

    /** The sample value; may be NaN or infinite. */
    public double value() {
        return value;
    }

    /** Whether the line carried a timestamp. */
    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** The exposition timestamp in milliseconds since the epoch (may be negative); 0 without one. */
    public long timestampMs() {
        return timestampMs;
    }

    public int labelCount() {
        return labelCount;
    }

    /** The name of label {@code i}, in the order written. */
    public String labelName(int i) {
        checkIndex(i);
        int s = bounds[4 * i];
        return new String(buf, s, bounds[4 * i + 1] - s, StandardCharsets.US_ASCII);
    }

    /** The unescaped value of label {@code i}. */
    public String labelValue(int i) {
        checkIndex(i);
        int s = bounds[4 * i + 2];
        int e = bounds[4 * i + 3];
        if (!escaped[i]) {
            return new String(buf, s, e - s, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[e - s];
        int n = 0;
        for (int p = s; p < e; p++) {
            byte c = buf[p];
            if (c == '\\') { // the parser let through only \\, \" and \n
                c = buf[++p] == 'n' ? (byte) '\n' : buf[p];
            }
            out[n++] = c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** The index of the first label called {@code name}, or -1. Allocates nothing. */
    public int indexOfLabel(String name) {
        for (int i = 0; i < labelCount; i++) {
            int s = bounds[4 * i];
            int e = bounds[4 * i + 1];
            if (e - s == name.length() && Bytes.equalsAscii(buf, s, e, name)) {
                return i;
            }
        }
        return -1;
    }

    /** The unescaped value of the label called {@code name}, or null if the sample has no such label. */
    public String label(String name) {
        int i = indexOfLabel(name);
        return i < 0 ? null : labelValue(i);
    }

    /**
     * Whether the sample has a label {@code name} whose unescaped value equals {@code value}. Allocates nothing
     * when the label value is ASCII without escapes, the usual case.
     */
    public boolean labelEquals(String name, String value) {
        int i = indexOfLabel(name);
        if (i < 0) {
            return false;
        }
        int s = bounds[4 * i + 2];
        int e = bounds[4 * i + 3];
        if (!escaped[i]) {
            boolean ascii = true;
            if (e - s == value.length()) {
                for (int p = s; p < e; p++) {
                    int c = buf[p];
                    if (c < 0) {
                        ascii = false;
                        break;
                    }
                    if (c != value.charAt(p - s)) {
                        return false;
                    }
                }
                if (ascii) {
                    return true;
                }
            } else if (isAscii(s, e)) {
                return false;
            }
        }
        return labelValue(i).equals(value);
    }

    /** All labels in the order written; a repeated name keeps its first value. Allocates; for tests and logs. */
    public Map<String, String> labels() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labelCount; i++) {
            m.putIfAbsent(labelName(i), labelValue(i));
        }
        return m;
    }

    @Override
    public String toString() {
        return name() + labels() + " " + value + (hasTimestamp ? " @" + timestampMs : "") + " (line " + line + ")";
    }

    private boolean isAscii(int s, int e) {
        for (int p = s; p < e; p++) {
            if (buf[p] < 0) {
                return false;
            }
        }
        return true;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= labelCount) {
            throw new IndexOutOfBoundsException("label index: " + i + " (expected: 0.." + (labelCount - 1) + ")");
        }
    }
}
