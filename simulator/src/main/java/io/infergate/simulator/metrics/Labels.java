package io.infergate.simulator.metrics;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An immutable, ordered set of label pairs. The order is the one the server's library would use before any
 * sorting the {@link TextDialect} applies (metrics-exporter-prometheus keeps it, Python and C++ sort).
 *
 * <p>Threading: immutable, any thread.
 */
final class Labels {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    static final Labels EMPTY = new Labels(new String[0]);

    private final String[] pairs; // name0, value0, name1, value1, ...

    private Labels(String[] pairs) {
        this.pairs = pairs;
    }

    static Labels of(String name, String value) {
        return EMPTY.and(name, value);
    }

    /**
     * A copy with one more label.
     *
     * @throws IllegalArgumentException if the name is not a Prometheus label name or is already present
     */
    Labels and(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (!NAME.matcher(name).matches() || name.startsWith("__")) {
            throw new IllegalArgumentException(
                    "label name: '" + name + "' (expected: [a-zA-Z_][a-zA-Z0-9_]*, no __ prefix)");
        }
        if (indexOf(name) >= 0) {
            throw new IllegalArgumentException("label name: '" + name + "' (expected: not already in " + this + ")");
        }
        String[] next = Arrays.copyOf(pairs, pairs.length + 2);
        next[pairs.length] = name;
        next[pairs.length + 1] = value;
        return new Labels(next);
    }

    /** {@code and(name, value)} only when {@code value} is non-null: optional labels such as vLLM's {@code engine}. */
    Labels andIfPresent(String name, String value) {
        return value == null ? this : and(name, value);
    }

    int size() {
        return pairs.length / 2;
    }

    String name(int i) {
        return pairs[2 * i];
    }

    String value(int i) {
        return pairs[2 * i + 1];
    }

    /** The label pairs ordered by name. */
    Labels sorted() {
        Integer[] order = new Integer[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> name(a).compareTo(name(b)));
        String[] out = new String[pairs.length];
        for (int i = 0; i < order.length; i++) {
            out[2 * i] = name(order[i]);
            out[2 * i + 1] = value(order[i]);
        }
        return new Labels(out);
    }

    private int indexOf(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return i / 2;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(name(i))
                    .append("=\"")
                    .append(value(i))
                    .append('"');
        }
        return sb.append('}').toString();
    }
}
