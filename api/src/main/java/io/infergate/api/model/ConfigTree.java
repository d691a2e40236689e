package io.infergate.api.model;

import io.infergate.api.Location;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A free-form configuration value, such as a plugin's {@code parameters} in an EndpointPickerConfig (GIE hands
 * those to the plugin factory as raw JSON): a {@link Mapping}, a {@link Sequence} or a {@link Scalar}. Every node
 * remembers where it was written ({@link #location()}) and its field path from the document root
 * ({@link #path()}, e.g. {@code plugins[2].parameters.blockSizeTokens}), so that whoever interprets the value
 * later (the scheduler, through {@code io.infergate.api.load.Params}) can report "file:line:col: field: message".
 *
 * <p>Immutable and thread-safe. Equality is by content only: location and path are ignored, so two equal
 * parameter blocks written in different places compare equal. Mappings keep document order. The scalar types are
 * those JSON has (YAML 1.2 core schema: string, integer, float, boolean, null); the scalar's text is kept as
 * written and parsed by whoever reads it.
 */
public sealed interface ConfigTree permits ConfigTree.Mapping, ConfigTree.Sequence, ConfigTree.Scalar {

    /** Where the value starts. */
    Location location();

    /** The field path of this value from the document root ({@code ""} for the root). */
    String path();

    /** How the value looks, for "found X (expected: Y)" messages: {@code an object}, {@code integer 5}, .... */
    String describe();

    /** Compact JSON; non-finite floats (YAML {@code .inf}, {@code .nan}) are written as strings. */
    String toJson();

    /** The path of {@code key} under {@code parent}. */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** An object: string keys to values, in document order. */
    final class Mapping implements ConfigTree {

        private final Location location;
        private final String path;
        private final Map<String, ConfigTree> entries;

        public Mapping(Location location, String path, Map<String, ConfigTree> entries) {
            this.location = Objects.requireNonNull(location, "location");
            this.path = Objects.requireNonNull(path, "path");
            this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(entries, "entries")));
        }

        /** An empty mapping standing for an absent value at {@code path}, placed at {@code location}. */
        public static Mapping empty(Location location, String path) {
            return new Mapping(location, path, Map.of());
        }

        @Override
        public Location location() {
            return location;
        }

        @Override
        public String path() {
            return path;
        }

        /** The entries in document order (unmodifiable). */
        public Map<String, ConfigTree> entries() {
            return entries;
        }

        public Set<String> keys() {
            return entries.keySet();
        }

        public Optional<ConfigTree> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        public int size() {
            return entries.size();
        }

        @Override
        public String describe() {
            return "an object";
        }

        @Override
        public String toJson() {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, ConfigTree> e : entries.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(Scalar.quote(e.getKey()))
                        .append(':')
                        .append(e.getValue().toJson());
            }
            return sb.append('}').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mapping m && entries.equals(m.entries);
        }

        @Override
        public int hashCode() {
            return entries.hashCode();
        }

        @Override
        public String toString() {
            return toJson();
        }
    }

    /** A list. */
    final class Sequence implements ConfigTree {

        private final Location location;
        private final String path;
        private final List<ConfigTree> items;

        public Sequence(Location location, String path, List<ConfigTree> items) {
            this.location = Objects.requireNonNull(location, "location");
            this.path = Objects.requireNonNull(path, "path");
            this.items = List.copyOf(items);
        }

        @Override
        public Location location() {
            return location;
        }

        @Override
        public String path() {
            return path;
        }

        public List<ConfigTree> items() {
            return items;
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public String toJson() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(items.get(i).toJson());
            }
            return sb.append(']').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sequence s && items.equals(s.items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }

        @Override
        public String toString() {
            return toJson();
        }
    }

    /**
     * A string, number, boolean or null, with its text as written ({@code 0x10} stays {@code 0x10}; {@link #toJson()}
     * normalizes). The kind is what the YAML 1.2 core schema resolved: {@code "16"} is a string, {@code 16} an
     * integer, {@code 16.0} a float.
     */
    final class Scalar implements ConfigTree {

        /** The JSON type of a scalar. */
        public enum Kind {
            STRING,
            INTEGER,
            FLOAT,
            BOOLEAN,
            NULL
        }

        private final Location location;
        private final String path;
        private final Kind kind;
        private final String text;

        public Scalar(Location location, String path, Kind kind, String text) {
            this.location = Objects.requireNonNull(location, "location");
            this.path = Objects.requireNonNull(path, "path");
            this.kind = Objects.requireNonNull(kind, "kind");
            this.text = Objects.requireNonNull(text, "text");
        }

        @Override
        public Location location() {
            return location;
        }

        @Override
        public String path() {
            return path;
        }

        public Kind kind() {
            return kind;
        }

        /** The text as written (for a string, its value). */
        public String text() {
            return text;
        }

        public boolean isNull() {
            return kind == Kind.NULL;
        }

        /** The integer value, or empty when this is not an integer (YAML 1.2 forms: decimal, 0x hex, 0o octal). */
        public Optional<BigInteger> integerValue() {
            return kind == Kind.INTEGER ? parseInteger(text) : Optional.empty();
        }

        /** The numeric value of an integer or float ({@code .inf}, {@code .nan} included), else empty. */
        public Optional<Double> numberValue() {
            if (kind == Kind.INTEGER) {
                return integerValue().map(BigInteger::doubleValue);
            }
            if (kind != Kind.FLOAT) {
                return Optional.empty();
            }
            String t = text.replace("_", "");
            String lower = t.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".nan")) {
                return Optional.of(Double.NaN);
            }
            if (lower.endsWith(".inf")) {
                return Optional.of(t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            try {
                return Optional.of(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** The boolean value, or empty when this is not a boolean. */
        public Optional<Boolean> booleanValue() {
            return kind == Kind.BOOLEAN ? Optional.of(text.equalsIgnoreCase("true")) : Optional.empty();
        }

        @Override
        public String describe() {
            String v = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            return switch (kind) {
                case STRING -> "string \"" + v + "\"";
                case INTEGER -> "integer " + v;
                case FLOAT -> "number " + v;
                case BOOLEAN -> "boolean " + v;
                case NULL -> "null";
            };
        }

        @Override
        public String toJson() {
            return switch (kind) {
                case STRING -> quote(text);
                case INTEGER -> integerValue().map(BigInteger::toString).orElse(quote(text));
                case FLOAT ->
                    numberValue().filter(Double::isFinite).map(Scalar::number).orElse(quote(text));
                case BOOLEAN -> booleanValue().orElse(false).toString();
                case NULL -> "null";
            };
        }

        private static String number(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) + ".0" : Double.toString(d);
        }

        static String quote(String s) {
            StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }

        /**
         * The value of YAML integer text (decimal, {@code 0x} hex, {@code 0o} octal, optional sign, {@code _}
         * separators), or empty when it is none: the one integer parser of the loaders.
         */
        public static Optional<BigInteger> parseInteger(String text) {
            String t = text.replace("_", "");
            boolean negative = t.startsWith("-");
            if (t.startsWith("-") || t.startsWith("+")) {
                t = t.substring(1);
            }
            try {
                BigInteger v;
                if (t.startsWith("0x")) {
                    v = new BigInteger(t.substring(2), 16);
                } else if (t.startsWith("0o")) {
                    v = new BigInteger(t.substring(2), 8);
                } else {
                    v = new BigInteger(t);
                }
                return Optional.of(negative ? v.negate() : v);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scalar s && kind == s.kind && text.equals(s.text);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + text.hashCode();
        }

        @Override
        public String toString() {
            return toJson();
        }
    }
}
