package io.infergate.scheduler.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one {@link PrometheusTextParser#parse} call: a single forward pass over the bytes.
 *
 * <p>Each line is classified by its first bytes. A sample or comment line is read up to the end of its metric
 * name, which is looked up in the {@link FamilyTable}; a line of an unwanted family is then skipped with a
 * word-at-a-time newline search, so unwanted data costs a name scan and nothing else. Only wanted lines are
 * tokenized (labels, value, timestamp). Every byte is visited a bounded number of times and no loop ever runs
 * past the end of its line, so any input, however broken, is read in linear time.
 *
 * <p>Threading: confined to the calling thread.
 */
final class ParseRun {

    private final byte[] b;
    private final int end;
    private final FamilyTable table;
    private final SampleVisitor visitor;
    private final boolean wantsHelp;
    private final Sample sample;
    private final MetricType[] types;

    private int line;
    private int samples;
    private int problemCount;
    private List<ParseProblem> problems;
    private String error; // why the current line was rejected

    ParseRun(byte[] b, int end, FamilyTable table, List<String> families, SampleVisitor visitor) {
        this.b = b;
        this.end = end;
        this.table = table;
        this.visitor = visitor;
        this.wantsHelp = visitor.wantsHelp();
        this.sample = new Sample(families);
        this.types = new MetricType[families.size()];
        Arrays.fill(types, MetricType.UNTYPED);
    }

    ParseResult run(int start) {
        int p = start;
        while (p < end) {
            line++;
            p = line(p);
        }
        return new ParseResult(line, samples, problems == null ? List.of() : problems, problemCount);
    }

    /** Reads the line starting at {@code p}; returns the start of the next line. */
    private int line(int p) {
        p = skipBlanks(p, end);
        if (p == end) {
            return end;
        }
        byte c = b[p];
        if (c == '\n') {
            return p + 1;
        }
        if (c == '\r' && (p + 1 == end || b[p + 1] == '\n')) {
            return Math.min(p + 2, end);
        }
        if (c == '#') {
            return comment(p + 1);
        }
        if (Bytes.METRIC_NAME_START[c & 0xff]) {
            return sampleLine(p);
        }
        return reject(p, "expected a metric name or '#' at the start of the line, found " + Bytes.describe(c));
    }

    private int sampleLine(int p) {
        int nameStart = p;
        int hash = 0;
        for (; p < end && Bytes.METRIC_NAME_CHAR[b[p] & 0xff]; p++) {
            hash = FamilyTable.step(hash, b[p]);
        }
        int entry = table.find(b, nameStart, p, hash);
        if (entry >= 0 && !table.suffix(entry).belongsTo(types[table.family(entry)])) {
            entry = -1; // e.g. foo_total while foo is a gauge: a different, unwanted family
        }
        if (entry < 0) {
            // Unwanted: only check that the name ends where a name may end, then skip the line.
            if (p < end && (b[p] == '{' || Bytes.isBlank(b[p]))) {
                return skipLine(p);
            }
            return reject(
                    p,
                    p == end || b[p] == '\n' || b[p] == '\r'
                            ? "metric name without a value"
                            : "invalid character " + Bytes.describe(b[p]) + " in metric name");
        }
        int newline = Bytes.indexOfNewline(b, p, end);
        int next = newline < 0 ? end : newline + 1;
        int e = newline < 0 ? end : newline;
        if (e > p && b[e - 1] == '\r') {
            e--;
        }
        int family = table.family(entry);
        sample.start(b, family, table.suffix(entry), types[family], line);
        if (readSample(p, e)) {
            samples++;
            visitor.sample(sample);
        } else {
            problem(error);
        }
        return next;
    }

    /** Labels, value and timestamp of a wanted sample in {@code [p, e)}; false with {@link #error} set if bad. */
    private boolean readSample(int p, int e) {
        int afterName = p;
        p = skipBlanks(p, e);
        boolean hasLabels = p < e && b[p] == '{';
        if (hasLabels) {
            p = labels(p + 1, e);
            if (p < 0) {
                return false;
            }
            p = skipBlanks(p, e);
        } else if (p == afterName && p < e) {
            return fail("invalid character " + Bytes.describe(b[p]) + " in metric name");
        }
        if (p == e) {
            return fail("missing value");
        }
        int valueStart = p;
        p = skipToken(p, e);
        double value = Numbers.parseDouble(b, valueStart, p);
        if (Numbers.isInvalid(value)) {
            return fail("invalid value " + Bytes.snippet(b, valueStart, p) + " (expected: a float, +Inf, -Inf or NaN)");
        }
        p = skipBlanks(p, e);
        if (p == e) {
            sample.finish(value, false, 0);
            return true;
        }
        int tsStart = p;
        p = skipToken(p, e);
        long ts = Numbers.parseTimestamp(b, tsStart, p);
        if (ts == Numbers.INVALID_TIMESTAMP) {
            return fail("invalid timestamp " + Bytes.snippet(b, tsStart, p) + " (expected: integer milliseconds)");
        }
        p = skipBlanks(p, e);
        if (p != e) {
            return fail("unexpected text after the timestamp: " + Bytes.snippet(b, p, e));
        }
        sample.finish(value, true, ts);
        return true;
    }

    /** The label pairs after {@code '{'}; returns the index after {@code '}'}, or -1 with {@link #error} set. */
    private int labels(int p, int e) {
        while (true) {
            p = skipBlanks(p, e);
            if (p == e) {
                return failAt("unterminated label set (missing '}')");
            }
            if (b[p] == '}') {
                return p + 1; // also {} and a trailing comma
            }
            if (!Bytes.LABEL_NAME_START[b[p] & 0xff]) {
                return failAt("expected a label name, found " + Bytes.describe(b[p]));
            }
            int nameStart = p;
            for (p++; p < e && Bytes.LABEL_NAME_CHAR[b[p] & 0xff]; p++) {
                // scan the name
            }
            int nameEnd = p;
            p = skipBlanks(p, e);
            if (p == e || b[p] != '=') {
                return failAt("expected '=' after label name " + Bytes.snippet(b, nameStart, nameEnd));
            }
            p = skipBlanks(p + 1, e);
            if (p == e || b[p] != '"') {
                return failAt("expected '\"' to open the value of label " + Bytes.snippet(b, nameStart, nameEnd));
            }
            int valueStart = ++p;
            boolean escapes = false;
            while (true) {
                if (p == e) {
                    return failAt("unterminated quoted value of label " + Bytes.snippet(b, nameStart, nameEnd));
                }
                byte c = b[p];
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (p + 1 == e) {
                        return failAt("unterminated quoted value of label " + Bytes.snippet(b, nameStart, nameEnd));
                    }
                    byte x = b[p + 1];
                    if (x != '\\' && x != '"' && x != 'n') {
                        return failAt("invalid escape sequence '\\' " + Bytes.describe(x) + " in the value of label "
                                + Bytes.snippet(b, nameStart, nameEnd) + " (expected: \\\\, \\\" or \\n)");
                    }
                    escapes = true;
                    p += 2;
                } else {
                    p++;
                }
            }
            if (sample.labelCount() == PrometheusTextParser.MAX_LABELS) {
                return failAt("more than " + PrometheusTextParser.MAX_LABELS + " labels");
            }
            sample.addLabel(nameStart, nameEnd, valueStart, p, escapes);
            p = skipBlanks(p + 1, e);
            if (p == e) {
                return failAt("unterminated label set (missing '}')");
            }
            if (b[p] == ',') {
                p++;
            } else if (b[p] == '}') {
                return p + 1;
            } else {
                return failAt("expected ',' or '}' after the value of label " + Bytes.snippet(b, nameStart, nameEnd)
                        + ", found " + Bytes.describe(b[p]));
            }
        }
    }

    /** After {@code '#'}: HELP and TYPE lines of wanted families are read, every other comment skipped. */
    private int comment(int p) {
        p = skipBlanks(p, end);
        boolean help = keyword(p, "HELP");
        if (!help && !keyword(p, "TYPE")) {
            return skipLine(p);
        }
        p = skipBlanks(p + 4, end);
        int nameStart = p;
        int hash = 0;
        for (; p < end && Bytes.METRIC_NAME_CHAR[b[p] & 0xff]; p++) {
            hash = FamilyTable.step(hash, b[p]);
        }
        if (p == nameStart) {
            return reject(p, (help ? "HELP" : "TYPE") + " line without a metric name");
        }
        int entry = table.find(b, nameStart, p, hash);
        if (entry < 0) {
            return skipLine(p);
        }
        SampleSuffix suffix = table.suffix(entry);
        if (help
                ? suffix != SampleSuffix.NONE || !wantsHelp
                : suffix != SampleSuffix.NONE && suffix != SampleSuffix.TOTAL) {
            return skipLine(p);
        }
        int newline = Bytes.indexOfNewline(b, p, end);
        int next = newline < 0 ? end : newline + 1;
        int e = newline < 0 ? end : newline;
        if (e > p && b[e - 1] == '\r') {
            e--;
        }
        if (p < e && !Bytes.isBlank(b[p])) {
            problem("invalid character " + Bytes.describe(b[p]) + " in metric name");
            return next;
        }
        int family = table.family(entry);
        if (help) {
            visitor.help(family, helpText(skipBlanks(p, e), e));
        } else {
            type(family, suffix, skipBlanks(p, e), e);
        }
        return next;
    }

    private void type(int family, SampleSuffix suffix, int p, int e) {
        int wordStart = p;
        p = skipToken(p, e);
        if (p == wordStart) {
            problem("TYPE line without a type");
            return;
        }
        MetricType t = MetricType.parse(b, wordStart, p);
        if (t == null) {
            problem("unknown metric type " + Bytes.snippet(b, wordStart, p)
                    + " (expected: counter, gauge, histogram, summary or untyped); read as untyped");
            t = MetricType.UNTYPED;
        }
        if (skipBlanks(p, e) != e) {
            problem("unexpected text after the type: " + Bytes.snippet(b, skipBlanks(p, e), e));
        }
        // "# TYPE foo_total counter" (Python's 0.0.4 spelling) types the wanted counter foo; any other type
        // makes foo_total a family of its own.
        if (suffix == SampleSuffix.NONE || t == MetricType.COUNTER) {
            types[family] = t;
        }
    }

    private String helpText(int p, int e) {
        byte[] out = new byte[e - p];
        int n = 0;
        for (; p < e; p++) {
            byte c = b[p];
            if (c == '\\' && p + 1 < e && (b[p + 1] == '\\' || b[p + 1] == 'n')) {
                c = b[++p] == 'n' ? (byte) '\n' : (byte) '\\';
            }
            out[n++] = c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private boolean keyword(int p, String word) {
        return p + word.length() < end
                && Bytes.equalsAscii(b, p, p + word.length(), word)
                && Bytes.isBlank(b[p + word.length()]);
    }

    private int skipBlanks(int p, int limit) {
        while (p < limit && Bytes.isBlank(b[p])) {
            p++;
        }
        return p;
    }

    private int skipToken(int p, int limit) {
        while (p < limit && !Bytes.isBlank(b[p])) {
            p++;
        }
        return p;
    }

    private int skipLine(int p) {
        int newline = Bytes.indexOfNewline(b, p, end);
        return newline < 0 ? end : newline + 1;
    }

    private int reject(int p, String reason) {
        problem(reason);
        return skipLine(p);
    }

    private boolean fail(String reason) {
        error = reason;
        return false;
    }

    private int failAt(String reason) {
        error = reason;
        return -1;
    }

    private void problem(String reason) {
        problemCount++;
        if (problems == null) {
            problems = new ArrayList<>();
        }
        if (problems.size() < PrometheusTextParser.MAX_REPORTED_PROBLEMS) {
            problems.add(new ParseProblem(line, reason));
        }
    }
}
