package io.infergate.simulator.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, strict parser of the Prometheus text exposition format 0.0.4, for tests: it reads what a scraper
 * reads and rejects what Prometheus' own parser rejects.
 *
 * <p>Accepted: {@code # HELP} / {@code # TYPE} (at most one each per family, before its samples), other
 * {@code #} comments, blank lines, labels in any order with an optional trailing comma, the escapes
 * {@code \\ \" \n} in label values and {@code \\ \n} in HELP, values such as {@code NaN}, {@code +Inf},
 * {@code -Inf} (any case, as Go's {@code ParseFloat} takes them, so prometheus-cpp's {@code Nan} and Rust's
 * {@code inf} pass), an optional integer timestamp, and CRLF line ends.
 *
 * <p>Rejected with a {@link ParseException} naming the line: any other escape, a malformed name, value or
 * timestamp, a duplicate label, a second HELP or TYPE, HELP/TYPE after the family's samples, a family whose
 * samples are not contiguous, a histogram bucket without a numeric {@code le}, and text not ending in a newline.
 *
 * <p>Samples are attached to families by name: a declared family's own name, or for histograms
 * {@code _bucket/_sum/_count} and for summaries {@code _sum/_count} after the declared name; any other sample
 * forms an untyped family of its own name.
 *
 * <p>Threading: stateless, any thread.
 */
public final class PrometheusTextParser {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INF = Pattern.compile("[+-]?(?i:inf|infinity)");
    private static final Pattern NAN = Pattern.compile("(?i:nan)");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line; {@code labels} is unmodifiable and ordered as written. */
    public record Sample(String name, Map<String, String> labels, double value, OptionalLong timestampMillis) {}

    /** A family: its HELP (null if absent), its TYPE ({@code untyped} if absent) and its samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples, boolean declaredType) {}

    /** Thrown for input the text format does not allow. */
    public static final class ParseException extends IllegalArgumentException {
        private final int line;

        ParseException(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }

        /** 1-based. */
        public int line() {
            return line;
        }
    }

    /** A parsed scrape. */
    public record Exposition(List<Family> families) {

        public List<Sample> samples() {
            List<Sample> out = new ArrayList<>();
            for (Family f : families) {
                out.addAll(f.samples());
            }
            return out;
        }

        /** The family named {@code name} (its declared name, e.g. {@code x_total} for a counter). */
        public Family family(String name) {
            for (Family f : families) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            throw new AssertionError("no family '" + name + "' in "
                    + families.stream().map(Family::name).toList());
        }

        public boolean hasFamily(String name) {
            return families.stream().anyMatch(f -> f.name().equals(name));
        }

        /** The samples named {@code name} whose labels include all of {@code labels}. */
        public List<Sample> find(String name, Map<String, String> labels) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : samples()) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    out.add(s);
                }
            }
            return out;
        }

        /**
         * The value of the one sample named {@code name} with exactly {@code labels}.
         *
         * @throws AssertionError if there is none or more than one
         */
        public double value(String name, Map<String, String> labels) {
            List<Sample> hits = find(name, labels).stream()
                    .filter(s -> s.labels().equals(labels))
                    .toList();
            if (hits.size() != 1) {
                throw new AssertionError(hits.size() + " samples " + name + labels + " (expected: exactly one)");
            }
            return hits.get(0).value();
        }
    }

    private PrometheusTextParser() {}

    /** Parses one scrape. */
    public static Exposition parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new ParseException(text.split("\n", -1).length, "missing the final line feed");
        }
        return new Builder().parse(text);
    }

    private static final class Builder {
        private final Map<String, MutableFamily> families = new LinkedHashMap<>();
        private final Set<String> closed = new HashSet<>();
        private MutableFamily current;

        Exposition parse(String text) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length - 1; i++) { // the element after the final \n is empty
                String line = lines[i];
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                parseLine(line, i + 1);
            }
            List<Family> out = new ArrayList<>();
            for (MutableFamily f : families.values()) {
                out.add(new Family(
                        f.name,
                        f.type == null ? "untyped" : f.type,
                        f.help,
                        Collections.unmodifiableList(f.samples),
                        f.type != null));
            }
            return new Exposition(Collections.unmodifiableList(out));
        }

        private void parseLine(String line, int no) {
            Cursor c = new Cursor(line, no);
            c.skipBlanks();
            if (c.atEnd()) {
                return;
            }
            if (c.peek() == '#') {
                c.next();
                c.skipBlanks();
                String keyword = c.word();
                if (keyword.equals("HELP") || keyword.equals("TYPE")) {
                    if (!c.skipBlanks()) {
                        throw c.error("expected a metric name after # " + keyword);
                    }
                    String name = c.word();
                    if (!METRIC_NAME.matcher(name).matches()) {
                        throw c.error("invalid metric name '" + name + "'");
                    }
                    if (keyword.equals("HELP")) {
                        help(c, name);
                    } else {
                        type(c, name);
                    }
                }
                return; // any other comment
            }
            sample(c);
        }

        private void help(Cursor c, String name) {
            MutableFamily f = declare(c, name);
            if (f.help != null) {
                throw c.error("second HELP for " + name);
            }
            c.skipBlanks();
            StringBuilder sb = new StringBuilder();
            while (!c.atEnd()) {
                char ch = c.next();
                if (ch == '\\') {
                    char e = c.atEnd() ? 0 : c.next();
                    switch (e) {
                        case '\\' -> sb.append('\\');
                        case 'n' -> sb.append('\n');
                        default -> throw c.error("invalid escape \\" + e + " in HELP");
                    }
                } else {
                    sb.append(ch);
                }
            }
            f.help = sb.toString();
        }

        private void type(Cursor c, String name) {
            MutableFamily f = declare(c, name);
            if (f.type != null) {
                throw c.error("second TYPE for " + name);
            }
            c.skipBlanks();
            String type = c.word();
            c.skipBlanks();
            if (!TYPES.contains(type) || !c.atEnd()) {
                throw c.error("invalid TYPE line for " + name + " (expected: one of " + TYPES + ")");
            }
            f.type = type;
        }

        private MutableFamily declare(Cursor c, String name) {
            MutableFamily f = families.computeIfAbsent(name, MutableFamily::new);
            if (!f.samples.isEmpty() || closed.contains(name)) {
                throw c.error("HELP/TYPE for " + name + " after its samples");
            }
            enter(f);
            return f;
        }

        private void sample(Cursor c) {
            String name = c.name(METRIC_NAME);
            Map<String, String> labels = new LinkedHashMap<>();
            boolean blank = c.skipBlanks();
            if (!c.atEnd() && c.peek() == '{') {
                c.next();
                labels(c, labels);
                blank = c.skipBlanks();
            }
            if (!blank || c.atEnd()) {
                throw c.error("expected a blank before the value");
            }
            double value = value(c, c.word());
            OptionalLong timestamp = OptionalLong.empty();
            if (c.skipBlanks() && !c.atEnd()) {
                String ts = c.word();
                if (!TIMESTAMP.matcher(ts).matches()) {
                    throw c.error("invalid timestamp '" + ts + "'");
                }
                try {
                    timestamp = OptionalLong.of(Long.parseLong(ts));
                } catch (NumberFormatException e) {
                    throw c.error("timestamp out of range '" + ts + "'");
                }
                c.skipBlanks();
            }
            if (!c.atEnd()) {
                throw c.error("unexpected text after the sample");
            }
            MutableFamily f = familyOf(name);
            if (name.endsWith("_bucket") && "histogram".equals(f.type)) {
                String le = labels.get("le");
                if (le == null) {
                    throw c.error("histogram bucket without le");
                }
                value(c, le);
            }
            if (f != current && closed.contains(f.name)) {
                throw c.error("samples of " + f.name + " are not contiguous");
            }
            enter(f);
            f.samples.add(new Sample(name, Collections.unmodifiableMap(labels), value, timestamp));
        }

        private void labels(Cursor c, Map<String, String> labels) {
            while (true) {
                c.skipBlanks();
                if (c.atEnd()) {
                    throw c.error("unterminated label set");
                }
                if (c.peek() == '}') {
                    c.next();
                    return;
                }
                String name = c.name(LABEL_NAME);
                c.skipBlanks();
                c.expect('=');
                c.skipBlanks();
                c.expect('"');
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (c.atEnd()) {
                        throw c.error("unterminated label value");
                    }
                    char ch = c.next();
                    if (ch == '"') {
                        break;
                    }
                    if (ch == '\\') {
                        char e = c.atEnd() ? 0 : c.next();
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw c.error("invalid escape \\" + e + " in label value");
                        }
                    } else {
                        v.append(ch);
                    }
                }
                if (labels.put(name, v.toString()) != null) {
                    throw c.error("duplicate label " + name);
                }
                c.skipBlanks();
                if (c.atEnd()) {
                    throw c.error("unterminated label set");
                }
                if (c.peek() == ',') {
                    c.next();
                } else if (c.peek() != '}') {
                    throw c.error("expected ',' or '}' after label " + name);
                }
            }
        }

        private static double value(Cursor c, String s) {
            if (NAN.matcher(s).matches()) {
                return Double.NaN;
            }
            if (INF.matcher(s).matches()) {
                return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (!DECIMAL.matcher(s).matches()) {
                throw c.error("invalid value '" + s + "'");
            }
            return Double.parseDouble(s);
        }

        private MutableFamily familyOf(String sampleName) {
            MutableFamily exact = families.get(sampleName);
            if (exact != null && exact.type != null) {
                return exact;
            }
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                if (sampleName.endsWith(suffix)) {
                    MutableFamily base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                    if (base != null
                            && ("histogram".equals(base.type)
                                    || ("summary".equals(base.type) && !suffix.equals("_bucket")))) {
                        return base;
                    }
                }
            }
            return exact != null ? exact : families.computeIfAbsent(sampleName, MutableFamily::new);
        }

        private void enter(MutableFamily f) {
            if (current != null && current != f) {
                closed.add(current.name);
            }
            current = f;
        }
    }

    private static final class MutableFamily {
        final String name;
        String type;
        String help;
        final List<Sample> samples = new ArrayList<>();

        MutableFamily(String name) {
            this.name = name;
        }
    }

    private static final class Cursor {
        private final String s;
        private final int line;
        private int pos;

        Cursor(String s, int line) {
            this.s = s;
            this.line = line;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        char next() {
            return s.charAt(pos++);
        }

        /** Skips spaces and tabs; true if there were any. */
        boolean skipBlanks() {
            int start = pos;
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
            return pos > start;
        }

        /** Everything up to the next blank or the end. */
        String word() {
            int start = pos;
            while (!atEnd() && peek() != ' ' && peek() != '\t') {
                pos++;
            }
            return s.substring(start, pos);
        }

        String name(Pattern pattern) {
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == ':')) {
                pos++;
            }
            String name = s.substring(start, pos);
            if (!pattern.matcher(name).matches()) {
                throw error("invalid name '" + name + "'");
            }
            return name;
        }

        void expect(char ch) {
            if (atEnd() || peek() != ch) {
                throw error("expected '" + ch + "'");
            }
            pos++;
        }

        ParseException error(String message) {
            return new ParseException(line, message + " in: " + s);
        }
    }
}
