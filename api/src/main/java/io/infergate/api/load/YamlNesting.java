package io.infergate.api.load;

import java.io.StringReader;
import java.util.Iterator;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Composes YAML only when its collections nest at most {@link #MAX_DEPTH} levels deep. SnakeYAML Engine's composer
 * recurses once per level and has no depth setting, so a deeply nested file (a cut or hostile manifest, e.g. a few
 * thousand {@code [}) ends in a {@link StackOverflowError} instead of a problem report. The depth is checked first
 * on the parser's events, which are produced without recursion; a deeper text is refused with a
 * {@link ComposerException} at the first level too deep, which the loaders already report as a YAML error with its
 * line and column. Manifests nest a few levels; EndpointPickerConfig parameter trees are refused past 64 anyway.
 *
 * <p>Stateless; callable from any thread. Never blocks. A syntax error found while checking ends the check: the
 * composer then meets the same error at the same place, before reaching a level deeper than the limit.
 */
public final class YamlNesting {

    /** Deepest accepted nesting of mappings and sequences (the top-level collection is level 1). */
    public static final int MAX_DEPTH = 100;

    private YamlNesting() {}

    /** Every document of {@code text}; the iterator throws the ComposerException on first use if it nests too deep. */
    static Iterator<Node> composeAll(LoadSettings settings, String text) {
        Optional<ComposerException> tooDeep = tooDeep(settings, text);
        if (tooDeep.isPresent()) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    throw tooDeep.get();
                }

                @Override
                public Node next() {
                    throw tooDeep.get();
                }
            };
        }
        return new Compose(settings)
                .composeAllFromReader(new StringReader(text))
                .iterator();
    }

    /**
     * The single document of {@code text}, as {@link Compose#composeString}.
     *
     * @throws ComposerException  if it nests deeper than {@link #MAX_DEPTH}
     * @throws YamlEngineException as the composer does for invalid YAML
     */
    public static Optional<Node> composeOne(LoadSettings settings, String text) {
        Optional<ComposerException> tooDeep = tooDeep(settings, text);
        if (tooDeep.isPresent()) {
            throw tooDeep.get();
        }
        return new Compose(settings).composeString(text);
    }

    private static Optional<ComposerException> tooDeep(LoadSettings settings, String text) {
        int depth = 0;
        try {
            for (Event e : new Parse(settings).parseString(text)) {
                switch (e.getEventId()) {
                    case MappingStart, SequenceStart -> {
                        if (++depth > MAX_DEPTH) {
                            return Optional.of(new ComposerException(
                                    "while composing a collection",
                                    e.getStartMark(),
                                    "nested more than " + MAX_DEPTH + " levels deep (expected: at most " + MAX_DEPTH
                                            + ")",
                                    e.getStartMark()));
                        }
                    }
                    case MappingEnd, SequenceEnd -> depth--;
                    default -> {
                        // scalars, aliases and document markers do not nest
                    }
                }
            }
        } catch (YamlEngineException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
