package io.infergate.api;

import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.validate.ManifestValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The front door: load manifests and validate them in one call. The result's problems are sorted by file,
 * line and column. Consumers (the gateway, {@code infergate validate}) must not serve a result with errors.
 *
 * <p>Thread-safe; reading files blocks. Never throws on bad input.
 */
public final class Manifests {

    private Manifests() {}

    /** Loads the files in order and validates them together. */
    public static LoadResult load(List<Path> files) {
        return validated(ManifestLoader.load(files));
    }

    /** Loads and validates one text; {@code sourceName} stands for the file name in problems. */
    public static LoadResult load(String sourceName, String text) {
        return validated(ManifestLoader.load(sourceName, text));
    }

    /** Adds the validator's problems to a load result. */
    public static LoadResult validated(LoadResult loaded) {
        List<Problem> all = new ArrayList<>(loaded.problems());
        all.addAll(ManifestValidator.validate(loaded.manifests()));
        all.sort(Problem.BY_POSITION);
        return new LoadResult(loaded.manifests(), all);
    }
}
