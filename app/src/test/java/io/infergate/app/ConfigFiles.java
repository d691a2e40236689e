package io.infergate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Changes config files under a running watcher the way editors and {@code kubectl cp} do. */
final class ConfigFiles {

    private ConfigFiles() {}

    /**
     * Replaces {@code file}'s content in one step (a sibling written, then renamed over it). {@code Files.writeString}
     * truncates first: a watcher whose debounce ends between the truncation and the write, as it can on a loaded
     * machine, would load an empty or partial file.
     */
    static void replace(Path file, String text) throws IOException {
        Path next = Files.writeString(file.resolveSibling("." + file.getFileName() + ".next"), text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
