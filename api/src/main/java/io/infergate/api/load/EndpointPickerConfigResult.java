package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.FieldIndex;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What loading one EndpointPickerConfig produced ({@link EndpointPickerConfigLoader}): the configuration, every
 * problem found, and what later stages (the scheduler applying GIE's defaults and building plugins) need to report
 * their own problems at the right place: {@link #locate(String)}, {@link #object()} and {@link #params}.
 *
 * <p>{@link #config()} is empty when nothing usable was read (a YAML syntax error, a document of another kind), and
 * also when the text was blank: GIE then runs its built-in default configuration, and {@link #isBlank()} says so. A
 * present config may still have problems; like a manifest set, it must not be used when {@link #hasErrors()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config   the configuration, when a document was read
 * @param object   how problems name the object: {@code ""} for a standalone file or text (GIE's format has no
 *                 name), {@code ConfigMap/<name>} for a ConfigMap value
 * @param fields   where each field path was written (paths relative to the document, as in problems)
 * @param problems sorted by position
 */
public record EndpointPickerConfigResult(
        Optional<EndpointPickerConfig> config, String object, FieldIndex fields, List<Problem> problems) {

    public EndpointPickerConfigResult {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(fields, "fields");
        problems = List.copyOf(problems);
    }

    /** The text had no content at all: GIE uses its default configuration then. */
    public boolean isBlank() {
        return config.isEmpty() && problems.isEmpty();
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** Where {@code path} (e.g. {@code schedulingProfiles[0].plugins[1]}) or its closest written ancestor is. */
    public Location locate(String path) {
        return fields.locate(path);
    }

    /** A new error about {@code path}, placed and named like the loader's own (not added to {@link #problems()}). */
    public Problem error(String path, String message) {
        return Problem.error(locate(path), object, path, message);
    }

    /** A new warning about {@code path}, placed and named like the loader's own. */
    public Problem warning(String path, String message) {
        return Problem.warning(locate(path), object, path, message);
    }

    /** A reader of one plugin's parameters whose problems name this configuration's object. */
    public Params params(EndpointPickerConfig.Plugin plugin, Consumer<Problem> sink) {
        return Params.of(plugin.parameters(), object, sink);
    }
}
