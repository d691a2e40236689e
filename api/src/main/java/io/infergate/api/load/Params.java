package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.Severity;
import io.infergate.api.model.ConfigTree;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a plugin's {@code parameters} (a {@link ConfigTree.Mapping}) with typed getters that report problems instead
 * of throwing: a value of the wrong type is reported with its file, line, column and field path (e.g.
 * {@code plugins[2].parameters.blockSizeTokens: found string "16" (expected: an integer)}) and read as absent, so
 * the caller falls back to its default and carries on, collecting every problem in one pass.
 *
 * <p>The types follow Go's {@code encoding/json}, which GIE's plugin factories use: an integer field takes only an
 * integer ({@code 16}, not {@code 16.0} nor {@code "16"}); a float field takes any finite number; a duration is a
 * string in Go syntax ({@link GoDuration}); {@code null} counts as absent. GIE ignores parameter names a plugin does
 * not know; {@link #finish(Severity)} reports them at the severity the caller chooses.
 *
 * <p>Not thread-safe: one reader per plugin, on one thread (the tree it reads is immutable and may be shared). Never
 * throws on bad input; null arguments are programming errors ({@link NullPointerException}).
 */
public final class Params {

    private final ConfigTree.Mapping tree;
    private final String object;
    private final Consumer<Problem> sink;
    private final int[] errors; // shared with nested readers
    private final Set<String> accepted = new LinkedHashSet<>();
    private boolean finished;

    private Params(ConfigTree.Mapping tree, String object, Consumer<Problem> sink, int[] errors) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.object = Objects.requireNonNull(object, "object");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.errors = errors;
    }

    /**
     * A reader of {@code tree}.
     *
     * @param object the {@code Kind/name} that problems name ({@code EndpointPickerConfig/default}), or {@code ""};
     *               see {@link EndpointPickerConfigResult#object()}
     * @param sink   receives each problem as it is found
     */
    public static Params of(ConfigTree.Mapping tree, String object, Consumer<Problem> sink) {
        return new Params(tree, object, sink, new int[1]);
    }

    /** A reader that adds its problems to {@code problems}. */
    public static Params of(ConfigTree.Mapping tree, String object, List<Problem> problems) {
        return of(tree, object, problems::add);
    }

    public ConfigTree.Mapping tree() {
        return tree;
    }

    /** Whether this reader or a nested one reported an error. */
    public boolean hasErrors() {
        return errors[0] > 0;
    }

    /** Whether {@code key} is present and not null; declares it accepted. */
    public boolean has(String key) {
        return raw(key).isPresent();
    }

    /** The value of {@code key}, empty when absent or null; declares the key accepted. */
    public Optional<ConfigTree> raw(String key) {
        accepted.add(key);
        Optional<ConfigTree> v = tree.get(key);
        return v.filter(n -> !(n instanceof ConfigTree.Scalar s && s.isNull()));
    }

    public Optional<String> string(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof ConfigTree.Scalar s && s.kind() == ConfigTree.Scalar.Kind.STRING) {
            return Optional.of(s.text());
        }
        wrongType(v.get(), "a string" + (v.get() instanceof ConfigTree.Scalar ? "; quote it" : ""));
        return Optional.empty();
    }

    /** A 32-bit integer (Go {@code int} fields of GIE's plugins hold what Infergate needs in 32 bits). */
    public OptionalInt integer(String key) {
        Optional<BigInteger> v = bigInteger(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.get().bitLength() >= 32) {
            error(raw(key).orElseThrow(), "integer " + v.get() + " is out of range (expected: a 32-bit integer)");
            return OptionalInt.empty();
        }
        return OptionalInt.of(v.get().intValue());
    }

    /** A 32-bit integer in {@code [min, max]}; a value outside is reported ({@code found 0 (expected: 1..64)}). */
    public OptionalInt integer(String key, int min, int max) {
        OptionalInt v = integer(key);
        if (v.isPresent() && (v.getAsInt() < min || v.getAsInt() > max)) {
            error(raw(key).orElseThrow(), "found " + v.getAsInt() + " (expected: " + min + ".." + max + ")");
            return OptionalInt.empty();
        }
        return v;
    }

    /** A 64-bit integer. */
    public OptionalLong longInteger(String key) {
        Optional<BigInteger> v = bigInteger(key);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        if (v.get().bitLength() >= 64) {
            error(raw(key).orElseThrow(), "integer " + v.get() + " is out of range (expected: a 64-bit integer)");
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.get().longValue());
    }

    /** A finite number (an integer or a float). */
    public OptionalDouble number(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (v.get() instanceof ConfigTree.Scalar s) {
            Optional<Double> d = s.numberValue();
            if (d.isPresent()) {
                if (Double.isFinite(d.get())) {
                    return OptionalDouble.of(d.get());
                }
                error(s, "found " + s.describe() + " (expected: a finite number)");
                return OptionalDouble.empty();
            }
        }
        wrongType(v.get(), "a number");
        return OptionalDouble.empty();
    }

    /** A finite number in {@code [min, max]}; a value outside is reported. */
    public OptionalDouble number(String key, double min, double max) {
        OptionalDouble v = number(key);
        if (v.isPresent() && (v.getAsDouble() < min || v.getAsDouble() > max)) {
            error(raw(key).orElseThrow(), "found " + v.getAsDouble() + " (expected: " + min + ".." + max + ")");
            return OptionalDouble.empty();
        }
        return v;
    }

    public Optional<Boolean> bool(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof ConfigTree.Scalar s && s.booleanValue().isPresent()) {
            return s.booleanValue();
        }
        wrongType(v.get(), "a boolean");
        return Optional.empty();
    }

    /** A Go duration string ({@code "200ms"}, {@code "1s"}, {@code "5m"}); a bare number is not one, as in GIE. */
    public Optional<Duration> duration(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof ConfigTree.Scalar s && s.kind() == ConfigTree.Scalar.Kind.STRING)) {
            wrongType(v.get(), GoDuration.EXPECTED + ", quoted if YAML would read it as a number");
            return Optional.empty();
        }
        try {
            return Optional.of(GoDuration.parse(s.text()));
        } catch (IllegalArgumentException e) {
            error(
                    s,
                    "\"" + s.text() + "\" is not a duration: " + e.getMessage() + " (expected: " + GoDuration.EXPECTED
                            + ")");
            return Optional.empty();
        }
    }

    /** A nested object, read by its own reader that shares this one's sink; empty when absent or not an object. */
    public Optional<Params> object(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof ConfigTree.Mapping m) {
            return Optional.of(new Params(m, object, sink, errors));
        }
        wrongType(v.get(), "an object");
        return Optional.empty();
    }

    /**
     * An item of a {@link #list} (or any node of the tree) read as an object by its own reader that shares this
     * one's sink; empty, and reported, when it is not an object.
     */
    public Optional<Params> object(ConfigTree node) {
        if (node instanceof ConfigTree.Mapping m) {
            return Optional.of(new Params(m, object, sink, errors));
        }
        wrongType(node, "an object");
        return Optional.empty();
    }

    /** The items of a list; empty when absent or not a list (the latter reported). */
    public List<ConfigTree> list(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (v.get() instanceof ConfigTree.Sequence s) {
            return s.items();
        }
        wrongType(v.get(), "a list");
        return List.of();
    }

    /** Reports an error about {@code key}: at its value, or at this object when the key is absent. */
    public void error(String key, String message) {
        report(Severity.ERROR, key, message);
    }

    /** Reports a warning about {@code key}: at its value, or at this object when the key is absent. */
    public void warning(String key, String message) {
        report(Severity.WARNING, key, message);
    }

    /** Reports an error about any node of the tree (an item of a {@link #list}, say). */
    public void error(ConfigTree at, String message) {
        errors[0]++;
        sink.accept(Problem.error(at.location(), object, at.path(), message));
    }

    /** Reports a warning about any node of the tree. */
    public void warning(ConfigTree at, String message) {
        sink.accept(Problem.warning(at.location(), object, at.path(), message));
    }

    /**
     * Reports every key no getter asked for, listing the accepted ones. GIE ignores unknown parameters, so a
     * {@link Severity#WARNING} keeps its behaviour; call after all getters. Only the first call reports: a plugin
     * that is strict about its parameters finishes with {@link Severity#ERROR} itself, and the caller's later
     * lenient call changes nothing.
     */
    public void finish(Severity severity) {
        if (finished) {
            return;
        }
        finished = true;
        for (Map.Entry<String, ConfigTree> e : tree.entries().entrySet()) {
            if (!accepted.contains(e.getKey())) {
                String message = "unknown parameter \"" + e.getKey() + "\" (accepted: "
                        + (accepted.isEmpty() ? "none" : String.join(", ", accepted)) + ")";
                if (severity == Severity.ERROR) {
                    error(e.getValue(), message);
                } else {
                    warning(e.getValue(), message);
                }
            }
        }
    }

    private void report(Severity severity, String key, String message) {
        Optional<ConfigTree> v = tree.get(key);
        Location at = v.map(ConfigTree::location).orElse(tree.location());
        String path = ConfigTree.join(tree.path(), key);
        if (severity == Severity.ERROR) {
            errors[0]++;
        }
        sink.accept(new Problem(severity, at, object, path, message));
    }

    private Optional<BigInteger> bigInteger(String key) {
        Optional<ConfigTree> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof ConfigTree.Scalar s) {
            Optional<BigInteger> i = s.integerValue();
            if (i.isPresent()) {
                return i;
            }
        }
        wrongType(v.get(), "an integer");
        return Optional.empty();
    }

    private void wrongType(ConfigTree found, String expected) {
        error(found, "found " + found.describe() + " (expected: " + expected + ")");
    }
}
