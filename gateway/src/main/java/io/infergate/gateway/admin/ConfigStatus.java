package io.infergate.gateway.admin;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the served configuration came from and how the last (re)load went, for {@code GET /api/config}.
 * Immutable; the reloader publishes a new one after every attempt.
 *
 * @param sources    the config files, or a description such as {@code embedded default}
 * @param lastReload the last load attempt, empty before the first one
 */
public record ConfigStatus(List<String> sources, Optional<Reload> lastReload) {

    public ConfigStatus {
        sources = List.copyOf(sources);
        Objects.requireNonNull(lastReload, "lastReload");
    }

    /** A status for a configuration loaded once, at {@code at}, without problems worth listing. */
    public static ConfigStatus loaded(List<String> sources, Instant at, List<String> warnings) {
        return new ConfigStatus(sources, Optional.of(new Reload(at, true, "loaded", warnings)));
    }

    /** This status with {@code reload} as the last attempt. */
    public ConfigStatus withReload(Reload reload) {
        return new ConfigStatus(sources, Optional.of(reload));
    }

    /**
     * One load attempt.
     *
     * @param at       when it finished
     * @param applied  whether the new configuration is now served (false: the last good one still is)
     * @param message  a one-line summary, e.g. {@code "2 errors; keeping the last good configuration"}
     * @param problems every problem line ({@code FILE:LINE:COL: error: Kind/name: field: message}), warnings
     *                 included
     */
    public record Reload(Instant at, boolean applied, String message, List<String> problems) {
        public Reload {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(message, "message");
            problems = List.copyOf(problems);
        }
    }
}
