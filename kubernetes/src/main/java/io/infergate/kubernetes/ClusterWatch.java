package io.infergate.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.InferencePool;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kinds of a {@link WatchScope} with fabric8 informers and, after every change, hands a freshly loaded
 * manifest set to a callback. The cluster is read as files are: every cached object is written out as YAML
 * ({@link ResourceText}: managedFields, resourceVersion and status other than a Pod's are dropped) under the source
 * name {@code cluster:Kind/namespace/name} and loaded with the same {@link ManifestLoader} plus validation
 * ({@link Manifests#validated}), so problems read like file problems with the object as the "file".
 *
 * <p>When the scope watches Gateways, HTTPRoutes and TCPRoutes are kept only if a parentRef names a Gateway in the
 * set (of a served class, in the watched namespaces): another implementation's routes would otherwise be errors
 * ("Gateway is not declared") in our set.
 *
 * <p><b>Threading.</b> Informer events arrive on fabric8's threads and only schedule a rebuild. Rebuilds and the
 * callback run on one control-plane thread (a single-thread scheduler, injectable), never concurrently. Changes
 * that arrive within the debounce window (default {@value #DEFAULT_DEBOUNCE_MILLIS} ms) after the first one are
 * coalesced into one rebuild; a rebuild whose text equals the previous one's (a status-only change) calls nobody.
 * The first callback comes once every informer has synced, with the whole initial state.
 *
 * <p><b>Errors.</b> A CRD kind that is not installed (404 on the first list) is logged once and treated as empty; it
 * does not block sync (install the CRD and restart to watch it). Other list and watch errors are logged and retried
 * by the informer with backoff; until the first list succeeds the watch is not synced. An exception thrown by the
 * callback is logged and does not stop the watch. Objects with problems stay in the set; the result's problems say
 * what is wrong, and it is the consumer's choice not to serve a set with errors.
 *
 * <p>{@link #start()} once, {@link #close()} once; both may be called from any thread. Close stops every informer.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    static final long DEFAULT_DEBOUNCE_MILLIS = 100;
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(DEFAULT_DEBOUNCE_MILLIS);

    private final KubernetesClient client;
    private final WatchScope scope;
    private final Consumer<LoadResult> onChange;
    private final long debounceMillis;
    private final ScheduledExecutorService control;
    private final boolean ownsControl;
    private final List<Watched> watched;
    private final KubernetesSerialization serialization;
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
    private volatile boolean closed;
    private volatile LoadResult current;
    // control thread only
    private List<Source> lastSources = List.of();
    private Map<String, String> textCache = new HashMap<>();

    private ClusterWatch(Builder b) {
        this.client = b.client;
        this.scope = b.scope;
        this.onChange = b.onChange;
        this.debounceMillis = b.debounce.toMillis();
        this.ownsControl = b.executor == null;
        this.control = ownsControl
                ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "infergate-cluster-watch");
                    t.setDaemon(true);
                    return t;
                })
                : b.executor;
        this.watched = scope.kinds().stream().map(Watched::new).toList();
        this.serialization = client.getKubernetesSerialization();
    }

    /** A builder over this client (not closed by the watch) and scope. */
    public static Builder builder(KubernetesClient client, WatchScope scope) {
        return new Builder(client, scope);
    }

    /** Configures a {@link ClusterWatch}. Not thread-safe; build on one thread. */
    public static final class Builder {
        private final KubernetesClient client;
        private final WatchScope scope;
        private Consumer<LoadResult> onChange = r -> {};
        private Duration debounce = DEFAULT_DEBOUNCE;
        private ScheduledExecutorService executor;

        private Builder(KubernetesClient client, WatchScope scope) {
            this.client = Objects.requireNonNull(client, "client");
            this.scope = Objects.requireNonNull(scope, "scope");
        }

        /** Called on the control thread with each new load result. */
        public Builder onChange(Consumer<LoadResult> onChange) {
            this.onChange = Objects.requireNonNull(onChange, "onChange");
            return this;
        }

        /** How long changes are gathered before a rebuild; 0 to 60 s. */
        public Builder debounce(Duration debounce) {
            checkDebounce(debounce);
            this.debounce = debounce;
            return this;
        }

        /**
         * The control-plane thread: must run one task at a time (a single-thread scheduler). Not shut down by
         * {@link #close()}. Default: a daemon thread of the watch's own, shut down on close.
         */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public ClusterWatch build() {
            return new ClusterWatch(this);
        }
    }

    static void checkDebounce(Duration debounce) {
        if (debounce.isNegative() || debounce.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("debounce: " + debounce + " (expected: 0s..60s)");
        }
    }

    /** One watched kind and its informer (null until started, and when the kind is absent). */
    private static final class Watched {
        final WatchedKind kind;
        volatile SharedIndexInformer<GenericKubernetesResource> informer;
        volatile boolean absent;

        Watched(WatchedKind kind) {
            this.kind = kind;
        }
    }

    private record Source(String name, String text) {}

    /**
     * Starts every informer; does not block. The returned future completes when every informer has synced (or
     * found its CRD missing); the first callback follows on the control thread.
     *
     * @throws IllegalStateException when called twice
     */
    public CompletableFuture<Void> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("ClusterWatch already started");
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Watched w : watched) {
            all.add(startOne(w));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (closed) {
                return;
            }
            if (t != null) {
                synced.completeExceptionally(t);
                return;
            }
            LOG.info(
                    "cluster watch synced: {} kinds in {}{}",
                    watched.size(),
                    scope.namespace().map(ns -> "namespace " + ns).orElse("all namespaces"),
                    absentKinds().isEmpty() ? "" : "; not installed: " + absentKinds());
            synced.complete(null);
            scheduleRebuild();
        });
        return synced.copy();
    }

    private CompletableFuture<Void> startOne(Watched w) {
        FilterWatchListDeletable<
                        GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                filtered = operation(w.kind);
        if (!w.kind.optional()) {
            return startInformer(w, filtered);
        }
        // a CRD kind: one small list first, so that a missing CRD is one log line rather than an informer failure
        return CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                filtered.list(
                                        new ListOptionsBuilder().withLimit(1L).build());
                                return true;
                            } catch (KubernetesClientException e) {
                                if (e.getCode() == 404) {
                                    return false;
                                }
                                return true; // anything else: the informer retries and reports
                            }
                        },
                        r -> Thread.ofVirtual().name("infergate-cluster-probe").start(r))
                .thenCompose(installed -> {
                    if (installed && !closed) {
                        return startInformer(w, filtered);
                    }
                    if (!installed) {
                        absent(w);
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }

    private void absent(Watched w) {
        w.absent = true;
        LOG.info("{} is not installed in the cluster (404); treated as empty", w.kind);
    }

    private FilterWatchListDeletable<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            operation(WatchedKind kind) {
        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                op = client.genericKubernetesResources(kind.context());
        FilterWatchListDeletable<
                        GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                filtered = scope.namespace().isPresent()
                        ? op.inNamespace(scope.namespace().get())
                        : op.inAnyNamespace();
        if (!kind.labelSelector().isEmpty()) {
            filtered = filtered.withLabels(kind.labelSelector());
        }
        return kind.fieldSelector().isEmpty() ? filtered : filtered.withFields(kind.fieldSelector());
    }

    private CompletableFuture<Void> startInformer(
            Watched w,
            FilterWatchListDeletable<
                            GenericKubernetesResource,
                            GenericKubernetesResourceList,
                            Resource<GenericKubernetesResource>>
                    filtered) {
        SharedIndexInformer<GenericKubernetesResource> informer = filtered.runnableInformer(0);
        AtomicBoolean warned = new AtomicBoolean();
        informer.exceptionHandler((isStarted, t) -> {
            if (!isStarted && w.kind.optional() && isNotFound(t)) {
                return false; // the CRD is not installed: start() fails and the kind counts as empty
            }
            if (warned.compareAndSet(false, true)) {
                LOG.warn("watching {} failed; retrying with backoff (logged once per kind): {}", w.kind, t.toString());
            }
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                scheduleRebuild();
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                scheduleRebuild();
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                scheduleRebuild();
            }
        });
        w.informer = informer;
        if (closed) { // close() ran meanwhile and may not have seen this informer
            return CompletableFuture.completedFuture(null);
        }
        return informer.start().toCompletableFuture().handle((v, t) -> {
            if (t == null) {
                return null;
            }
            if (w.kind.optional() && isNotFound(t)) {
                informer.stop();
                absent(w);
                return null;
            }
            throw t instanceof CompletionException ce ? ce : new CompletionException(t);
        });
    }

    static boolean isNotFound(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() == 404) {
                return true;
            }
        }
        return false;
    }

    private void scheduleRebuild() {
        if (closed || !synced.isDone()) {
            return; // the initial build happens when every informer has synced
        }
        if (rebuildScheduled.compareAndSet(false, true)) {
            try {
                control.schedule(this::rebuild, debounceMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                rebuildScheduled.set(false); // shutting down
            }
        }
    }

    private void rebuild() {
        rebuildScheduled.set(false); // events from now on schedule another rebuild
        if (closed) {
            return;
        }
        LoadResult result;
        try {
            List<Source> sources = collect();
            if (sources.equals(lastSources) && current != null) {
                return;
            }
            lastSources = sources;
            ManifestLoader loader = new ManifestLoader();
            for (Source s : sources) {
                loader.add(s.name(), new StringReader(s.text()));
            }
            result = Manifests.validated(loader.result());
            current = result;
        } catch (RuntimeException e) {
            LOG.error("rebuilding the manifest set from the cluster failed", e);
            return;
        }
        try {
            onChange.accept(result);
        } catch (RuntimeException e) {
            LOG.error("the manifest set consumer failed", e);
        }
    }

    /** Every kept object as text, kinds in scope order, objects by namespace and name (the age tie-break). */
    private List<Source> collect() {
        Map<WatchedKind, List<GenericKubernetesResource>> items = new LinkedHashMap<>();
        for (Watched w : watched) {
            SharedIndexInformer<GenericKubernetesResource> informer = w.informer;
            if (informer == null || w.absent) {
                continue;
            }
            List<GenericKubernetesResource> list =
                    new ArrayList<>(informer.getStore().list());
            list.sort(Comparator.comparing((GenericKubernetesResource r) ->
                            nullToEmpty(r.getMetadata().getNamespace()))
                    .thenComparing(r -> nullToEmpty(r.getMetadata().getName())));
            items.put(w.kind, list);
        }
        // routes are kept only when they attach to a Gateway in the set: a route of another implementation's
        // Gateway (or of a Gateway outside the watched namespace) would only be an unresolvable parentRef here
        Set<String> gateways = null;
        if (items.containsKey(WatchScope.GATEWAY)) {
            gateways = new HashSet<>();
            for (GenericKubernetesResource g : items.get(WatchScope.GATEWAY)) {
                if (ResourceText.keeps(g, scope)) {
                    gateways.add(g.getMetadata().getNamespace() + "/"
                            + g.getMetadata().getName());
                }
            }
        }
        Map<String, String> nextCache = new HashMap<>();
        List<Source> out = new ArrayList<>();
        for (Map.Entry<WatchedKind, List<GenericKubernetesResource>> e : items.entrySet()) {
            WatchedKind kind = e.getKey();
            for (GenericKubernetesResource r : e.getValue()) {
                if (gateways != null && ResourceText.isRoute(r) && !ResourceText.attachesTo(r, gateways)) {
                    continue;
                }
                String key = kind + "|" + r.getMetadata().getUid() + "|"
                        + r.getMetadata().getResourceVersion();
                String text = textCache.get(key);
                if (text == null) {
                    text = ResourceText.of(r, scope, serialization).orElse("");
                }
                nextCache.put(key, text);
                if (!text.isEmpty()) {
                    out.add(new Source(sourceName(kind, r), text));
                }
            }
        }
        textCache = nextCache;
        return out;
    }

    private static String sourceName(WatchedKind kind, GenericKubernetesResource r) {
        // the two InferencePool groups may hold objects of the same name: keep their source names apart
        String k = InferencePool.KIND.equals(kind.kind()) && ApiGroups.INFERENCE_X.equals(kind.group())
                ? kind.kind() + "." + kind.group()
                : kind.kind();
        return ResourceText.sourceName(
                k, nullToEmpty(r.getMetadata().getNamespace()), r.getMetadata().getName());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Whether every informer has synced (or found its CRD missing). */
    public boolean hasSynced() {
        return synced.isDone() && !synced.isCompletedExceptionally();
    }

    /** Completes when {@link #hasSynced()} turns true; a copy, so completing it changes nothing here. */
    public CompletableFuture<Void> synced() {
        return synced.copy();
    }

    /** The latest load result handed to the callback, if any. */
    public Optional<LoadResult> current() {
        return Optional.ofNullable(current);
    }

    /** The optional kinds whose CRD was not installed when the watch started. */
    public List<WatchedKind> absentKinds() {
        return watched.stream().filter(w -> w.absent).map(w -> w.kind).toList();
    }

    public WatchScope scope() {
        return scope;
    }

    /** Stops every informer (and the control thread, when it is the watch's own). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Watched w : watched) {
            SharedIndexInformer<GenericKubernetesResource> informer = w.informer;
            if (informer != null) {
                informer.stop();
            }
        }
        synced.cancel(false);
        if (ownsControl) {
            control.shutdownNow();
        }
    }
}
