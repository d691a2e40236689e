package io.infergate.simulator.http;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one replica serves under which name: the base model (its served name and the {@code root} path
 * {@code /v1/models} reports) and the LoRA adapters loaded into its engine, with the paths they were
 * loaded from. Adapter changes go through here so the listing and the engine agree.
 *
 * <p>Threading: safe from any thread. {@link #load}/{@link #unload} never block; their futures complete on
 * the engine runner's thread, exceptionally with the engine's
 * {@link io.infergate.simulator.engine.LoraAdapterException} when refused.
 */
public final class ServedModels {

    /** One entry of {@code /v1/models}: {@code parent} is null for the base model. */
    public record Card(String id, String root, String parent, boolean base) {}

    private final RealtimeEngineRunner runner;
    private final String root;
    private final Map<String, String> adapterPaths = new ConcurrentHashMap<>();

    /**
     * @param runner the replica's engine runner
     * @param root   the base model's path as {@code /v1/models} shows it (vLLM: the {@code --model} argument);
     *               null means the served name
     */
    public ServedModels(RealtimeEngineRunner runner, String root) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.root = root != null ? root : runner.engine().config().servedModelName();
    }

    public Engine engine() {
        return runner.engine();
    }

    public String baseName() {
        return runner.engine().config().servedModelName();
    }

    public String root() {
        return root;
    }

    /** Whether requests may name {@code model} (null means the base model, as in vLLM). */
    public boolean serves(String model) {
        return model == null || runner.engine().servesModel(model);
    }

    /** The adapter a request for {@code model} runs with, or null for the base model. */
    public String adapterFor(String model) {
        return model == null || model.equals(baseName()) ? null : model;
    }

    /** The base model first, then adapters in load order. */
    public List<Card> cards() {
        List<String> adapters = runner.engine().adapterNames();
        List<Card> cards = new ArrayList<>(adapters.size() + 1);
        cards.add(new Card(baseName(), root, null, true));
        for (String a : adapters) {
            cards.add(new Card(a, adapterPaths.getOrDefault(a, a), baseName(), false));
        }
        return cards;
    }

    /** The loaded adapter names (a snapshot). */
    public List<String> adapterNames() {
        return runner.engine().adapterNames();
    }

    public CompletableFuture<Void> load(String name, String path) {
        return runner.loadAdapter(name, path).thenRun(() -> adapterPaths.put(name, path == null ? name : path));
    }

    public CompletableFuture<Void> unload(String name) {
        return runner.unloadAdapter(name).thenRun(() -> adapterPaths.remove(name));
    }
}
