package io.infergate.api.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One plugin type an EndpointPickerConfig may name in {@code plugins[].type}: its name (GIE's spelling, byte for
 * byte), what it is ({@link Role}s: GIE decides by the Go interfaces a plugin implements, and several implement
 * more than one), and where the name comes from. The registry is {@link PluginTypes}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name    the type name, e.g. {@code prefix-cache-scorer}
 * @param roles   what the plugin does; never empty
 * @param source  which release registers the name
 * @param aliasOf the type this one is an older name of ({@code kv-cache-scorer} of
 *                {@code kv-cache-utilization-scorer}), or empty
 */
public record PluginType(String name, Set<Role> roles, Source source, Optional<String> aliasOf) {

    /** What a plugin does, after GIE's plugin interfaces. */
    public enum Role {
        /** Narrows the candidate endpoints (scheduling profile slot). */
        FILTER("a filter"),
        /** Scores candidates in [0,1], summed with a weight (scheduling profile slot). */
        SCORER("a scorer"),
        /** Chooses endpoints from the scored candidates; one per profile (scheduling profile slot). */
        PICKER("a picker"),
        /** Decides which profiles run and which result is primary; one per configuration. */
        PROFILE_HANDLER("a profile handler"),
        /** Computes request data before scheduling (GIE PrepareData plugins). */
        DATA_PRODUCER("a data producer"),
        /** Admits or denies a request before scheduling (GIE Admission plugins). */
        ADMITTER("an admitter"),
        /** Hooks after scheduling or on the response (PreRequest, ResponseHeader, ResponseBody). */
        REQUEST_CONTROL("a request-control hook"),
        /** Orders requests within a flow (flow control). */
        ORDERING_POLICY("an ordering policy"),
        /** Chooses between flows within a priority band (flow control). */
        FAIRNESS_POLICY("a fairness policy"),
        /** Adapts flow-control capacity (flow control). */
        USAGE_LIMIT_POLICY("a usage limit policy"),
        /** Says how saturated the pool is; used by admission and flow control. */
        SATURATION_DETECTOR("a saturation detector"),
        /** Parses the request body (protocol). */
        PARSER("a parser"),
        /** Collects endpoint data (data layer). */
        DATA_SOURCE("a data source"),
        /** Turns a data source's output into endpoint attributes (data layer). */
        EXTRACTOR("an extractor");

        private final String noun;

        Role(String noun) {
            this.noun = noun;
        }

        /** "a scorer", "an extractor": for messages. */
        public String noun() {
            return noun;
        }
    }

    /** Where a type name comes from. */
    public enum Source {
        /** Registered by GIE v1.5.0 ({@code cmd/epp/runner/runner.go}). */
        GIE,
        /** Registered by GIE v0.5.1 only (the filter tree and the old {@code kv-cache-scorer} name). */
        GIE_LEGACY,
        /** Infergate's own. */
        INFERGATE
    }

    public PluginType {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: empty (expected: a plugin type name)");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("roles of " + name + ": empty (expected: at least one role)");
        }
        roles = Set.copyOf(EnumSet.copyOf(roles));
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(aliasOf, "aliasOf");
    }

    public boolean is(Role role) {
        return roles.contains(role);
    }

    /** Whether a scheduling profile can use it: a filter, scorer or picker. */
    public boolean isProfilePlugin() {
        return is(Role.FILTER) || is(Role.SCORER) || is(Role.PICKER);
    }
}
