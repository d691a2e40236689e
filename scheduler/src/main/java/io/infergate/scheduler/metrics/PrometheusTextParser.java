package io.infergate.scheduler.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Prometheus text-format (0.0.4) parser for scrapers that want a handful of families out of a large page.
 *
 * <p>It is built once with the families to deliver. {@link #parse} then makes one forward pass over the
 * bytes: a line of any other family costs a scan of its metric name and a skip to the next newline, with no
 * strings built and nothing allocated; samples of wanted families go to a {@link SampleVisitor} through one
 * reused {@link Sample} view. A parse allocates a few small objects of its own, whatever the input size, plus
 * one short string for each wanted value too long for the exact fast path (more than about 16 significant
 * digits, e.g. a Python {@code repr} of a fraction); label values are decoded only when the visitor asks.
 *
 * <p>What it reads:
 * <ul>
 *   <li>{@code # HELP} and {@code # TYPE} lines (other comments are skipped); HELP escapes {@code \\} and
 *       {@code \n}, delivered only to visitors that {@linkplain SampleVisitor#wantsHelp() ask};</li>
 *   <li>label sets in any order, empty ({@code {}}) or with a trailing comma; label values with the escapes
 *       {@code \\}, {@code \"} and {@code \n}, decoded as UTF-8;</li>
 *   <li>values in decimal or scientific notation and {@code NaN}, {@code +Inf}, {@code -Inf} in any letter
 *       case; an optional integer timestamp in milliseconds, which may be negative;</li>
 *   <li>sample names with suffixes: a family {@code foo} gets {@code foo_total} when {@code foo} is a counter
 *       (declared {@code # TYPE foo counter} or, as Python's client writes it, {@code # TYPE foo_total counter}),
 *       {@code foo_bucket} when a histogram, {@code foo_sum} / {@code foo_count} when a histogram or summary.
 *       {@code foo_created} is ignored unless {@code foo_created} itself is wanted. A wanted name always
 *       matches exactly, whatever the suffix rules say;</li>
 *   <li>LF or CRLF line ends, blank lines, blanks around tokens, a missing final newline.</li>
 * </ul>
 *
 * <p>Errors: {@code parse} never throws on bad input. A line it cannot use is skipped and reported as a
 * {@link ParseProblem} (line number and reason, the first {@value #MAX_REPORTED_PROBLEMS} kept, all counted);
 * everything else is still delivered. Lines of unwanted families are checked only as far as their metric name,
 * so their garbage goes unnoticed unless it breaks the name. Binary junk, truncated or huge lines and
 * unterminated quotes are read in linear time; a sample with more than {@value #MAX_LABELS} labels is rejected.
 * Exceptions thrown by the visitor propagate.
 *
 * <p>Threading: immutable and thread-safe; one instance can parse on many threads at once. Never blocks.
 */
public final class PrometheusTextParser {

    /** Problems listed in a {@link ParseResult}; more are only counted. */
    public static final int MAX_REPORTED_PROBLEMS = 16;
    /** Labels one sample may have. */
    public static final int MAX_LABELS = 128;

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final List<String> families;
    private final FamilyTable table;

    /**
     * A parser delivering the samples of {@code wantedFamilies}; a sample's {@link Sample#family()} is the
     * index of its family in this collection's iteration order.
     *
     * @throws IllegalArgumentException if a name is not a metric name or is listed twice
     */
    public PrometheusTextParser(Collection<String> wantedFamilies) {
        List<String> names = List.copyOf(wantedFamilies);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!METRIC_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "wanted family: '" + name + "' (expected: a metric name, [a-zA-Z_:][a-zA-Z0-9_:]*)");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(
                        "wanted family: '" + name + "' listed twice (expected: distinct names)");
            }
        }
        this.families = names;
        this.table = new FamilyTable(names);
    }

    /** The wanted families; {@link Sample#family()} indexes this list. */
    public List<String> families() {
        return families;
    }

    /** The index of {@code family} in {@link #families()}, or -1. */
    public int familyIndex(String family) {
        return families.indexOf(family);
    }

    /** Parses {@code text[offset, offset + length)}. */
    public ParseResult parse(byte[] text, int offset, int length, SampleVisitor visitor) {
        Objects.checkFromIndexSize(offset, length, text.length);
        Objects.requireNonNull(visitor, "visitor");
        return new ParseRun(text, offset + length, table, families, visitor).run(offset);
    }

    /** Parses all of {@code text}. */
    public ParseResult parse(byte[] text, SampleVisitor visitor) {
        return parse(text, 0, text.length, visitor);
    }

    /**
     * Parses the remaining bytes of {@code text} without moving its position. A heap buffer is read in place;
     * a direct or read-only buffer is first copied into one array.
     */
    public ParseResult parse(ByteBuffer text, SampleVisitor visitor) {
        if (text.hasArray()) {
            return parse(text.array(), text.arrayOffset() + text.position(), text.remaining(), visitor);
        }
        byte[] copy = new byte[text.remaining()];
        text.duplicate().get(copy);
        return parse(copy, visitor);
    }

    /** Parses {@code text} encoded as UTF-8; for tests and small inputs. */
    public ParseResult parse(String text, SampleVisitor visitor) {
        return parse(text.getBytes(StandardCharsets.UTF_8), visitor);
    }
}
