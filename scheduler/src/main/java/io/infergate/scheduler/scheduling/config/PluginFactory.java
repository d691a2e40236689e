package io.infergate.scheduler.scheduling.config;

import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Picker;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Builds one plugin instance from its name and {@code parameters}, like a GIE plugin's factory function. Each
 * plugin keeps its factory beside it (a {@code FACTORY} constant of the plugin class, which also parses the
 * plugin's parameters); {@link PluginRegistry#STANDARD} lists them, one line per type.
 *
 * <p>A factory reports every problem with its parameters through {@code params} and returns
 * {@link PluginInstance.Invalid} when no instance can be made; it leaves unknown parameters to the caller, which
 * calls {@link Params#finish} afterwards. Factories run on the thread that builds a setup, never block, and report
 * bad input rather than throwing.
 */
@FunctionalInterface
public interface PluginFactory {

    PluginInstance create(String name, Params params, Handle handle);

    /**
     * What a factory may ask of the setup being built (GIE's plugin {@code Handle}). Confined to the building
     * thread.
     */
    interface Handle {

        /** The prefix parameters every prefix scorer of the setup shares (GIE has one producer). */
        PrefixSettings prefixSettings();

        /** The hasher of {@link #prefixSettings()}, one instance per setup. */
        PrefixHasher prefixHasher();

        /** The prefix index of the setup, created on first use. */
        PrefixIndex prefixIndex();

        /**
         * The filter of the plugin named {@code ref}, built on demand. Empty, with an error reported at {@code at}
         * through {@code reporter}, when no plugin has that name, when it is not a filter, or when following it
         * would make a decision tree contain itself; empty without a new error when that plugin is invalid
         * (its own problems say why).
         */
        Optional<SelectingFilter> filter(String ref, Params reporter, ConfigTree at);
    }

    /** The factory of a scorer without parameters, made from its instance name. */
    static PluginFactory scorer(String type, Function<String, Scorer> make) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(make, "make");
        return (name, p, h) -> new PluginInstance.Scorer(name, type, make.apply(name));
    }

    /** The factory of a filter without parameters, made from its instance name. */
    static PluginFactory filter(String type, Function<String, SelectingFilter> make) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(make, "make");
        return (name, p, h) -> new PluginInstance.Filter(name, type, make.apply(name));
    }

    /**
     * The factory of a picker, made from its instance name, with the parameter every GIE picker has:
     * {@code maxNumOfEndpoints} (default 1; GIE falls back to 1 for a value below 1, with a warning here).
     */
    static PluginFactory picker(String type, Function<String, Picker> make) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(make, "make");
        return (name, p, h) -> {
            int max = 1;
            OptionalInt v = p.integer("maxNumOfEndpoints");
            if (v.isPresent() && v.getAsInt() < 1) {
                p.warning(
                        "maxNumOfEndpoints",
                        "found " + v.getAsInt() + " (expected: >= 1); GIE falls back to 1" + " endpoint, as here");
            } else if (v.isPresent()) {
                max = v.getAsInt();
            }
            return new PluginInstance.Picker(name, type, make.apply(name), max);
        };
    }

    /** The factory of a flow-control fairness policy (no parameters). */
    static PluginFactory fairness(FairnessPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return (name, p, h) -> new PluginInstance.Fairness(name, policy);
    }

    /** The factory of a type Infergate accepts without effect, because it does the same built in ({@code note}). */
    static PluginFactory accepted(String type, String note) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(note, "note");
        return (name, p, h) -> new PluginInstance.Accepted(name, type, note);
    }
}
