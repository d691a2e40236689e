package io.infergate.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferenceModel;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode in one object, for {@code infergate serve --kubernetes} and {@code infergate epp}: a
 * {@link ClusterWatch} that feeds manifest sets to the application, a {@link StatusWriter} that writes status while
 * this replica leads (serve scope: Gateways, routes, InferencePools and InferenceModels; picker scope: its pool's
 * InferenceModels), and optional {@link LeaderElection}.
 *
 * <pre>{@code
 * ClusterMode cluster = ClusterMode.builder(WatchScope.forServe(Optional.empty()))
 *         .onChange(result -> gateway.apply(result))          // on the control thread
 *         .leaderElection(LeaderElection.Settings.of("infergate-system", "infergate-gateway"))
 *         .build();
 * cluster.start();                                           // non-blocking; returns the sync future
 * boolean ready = cluster.isReady();                         // synced && leader
 * cluster.close();
 * }</pre>
 *
 * <p><b>Threading.</b> The change callback and every status write run on one control-plane thread owned by this
 * object, never concurrently: a callback that is slow delays the next set and the status writes. {@link #isReady()},
 * {@link #isLeader()}, {@link #hasSynced()} and {@link #current()} may be called from any thread and never block.
 *
 * <p>Status is written after each new set and, every {@link Builder#statusResync} (default 60 s), again for the
 * current set, so that a failed write or a status someone else overwrote is repaired; unchanged status is not
 * rewritten.
 *
 * <p><b>Readiness.</b> Ready when every informer has synced and this replica is the leader; without leader
 * election every replica leads (and writes status).
 *
 * <p><b>Errors.</b> See {@link ClusterWatch} (missing CRDs, list/watch failures), {@link StatusWriter} (failed
 * writes are logged and retried with the next change or the next leadership) and {@link LeaderElection}. Nothing is
 * thrown after {@link #start()}; the builder throws {@link IllegalArgumentException} for bad settings.
 */
public final class ClusterMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMode.class);
    public static final Duration DEFAULT_STATUS_RESYNC = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final WatchScope scope;
    private final ScheduledExecutorService control;
    private final ClusterWatch watch;
    private final Optional<StatusWriter> status;
    private final Optional<LeaderElection> election;
    private final Consumer<LoadResult> onChange;
    private final Duration statusResync;
    private volatile boolean closed;

    private ClusterMode(Builder b) {
        this.ownsClient = b.client == null;
        this.client = ownsClient ? new KubernetesClientBuilder().build() : b.client;
        this.scope = b.scope;
        this.onChange = b.onChange;
        this.statusResync = b.statusResync;
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infergate-cluster-control");
            t.setDaemon(true);
            return t;
        });
        this.status = b.writeStatus
                ? Optional.of(new StatusWriter(client, b.controllerName, scope.gatewayClassNames(), b.clock))
                : Optional.empty();
        this.election = b.leaderElection.map(s -> new LeaderElection(client, s, this::startedLeading, () -> {}));
        this.watch = ClusterWatch.builder(client, scope)
                .debounce(b.debounce)
                .executor(control)
                .onChange(this::changed)
                .build();
    }

    /** A builder for this scope ({@link WatchScope#forServe} or {@link WatchScope#forPicker}). */
    public static Builder builder(WatchScope scope) {
        return new Builder(scope);
    }

    /** Configures a {@link ClusterMode}. Not thread-safe; build on one thread. */
    public static final class Builder {
        private final WatchScope scope;
        private KubernetesClient client;
        private Consumer<LoadResult> onChange = r -> {};
        private String controllerName = StatusWriter.DEFAULT_CONTROLLER_NAME;
        private boolean writeStatus = true;
        private Optional<LeaderElection.Settings> leaderElection = Optional.empty();
        private Duration debounce = ClusterWatch.DEFAULT_DEBOUNCE;
        private Clock clock = Clock.systemUTC();
        private Duration statusResync = DEFAULT_STATUS_RESYNC;

        private Builder(WatchScope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
        }

        /**
         * The client to use; the caller keeps ownership (it is not closed). Default: {@code new
         * KubernetesClientBuilder().build()} (in-cluster service account, else {@code ~/.kube/config}), closed by
         * {@link ClusterMode#close()}.
         */
        public Builder client(KubernetesClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Receives every new load result, on the control thread; the first one once synced. */
        public Builder onChange(Consumer<LoadResult> onChange) {
            this.onChange = Objects.requireNonNull(onChange, "onChange");
            return this;
        }

        /** Written into InferencePool parent entries; default {@value StatusWriter#DEFAULT_CONTROLLER_NAME}. */
        public Builder controllerName(String controllerName) {
            this.controllerName = StatusWriter.checkControllerName(controllerName);
            return this;
        }

        /** Whether to write status at all (default true; only the leader writes). */
        public Builder writeStatus(boolean writeStatus) {
            this.writeStatus = writeStatus;
            return this;
        }

        /** Enables leader election with these lease settings; without it every replica leads. */
        public Builder leaderElection(LeaderElection.Settings settings) {
            this.leaderElection = Optional.of(settings);
            return this;
        }

        /** How long changes are gathered before a rebuild (default 100 ms; 0 to 60 s). */
        public Builder debounce(Duration debounce) {
            ClusterWatch.checkDebounce(debounce);
            this.debounce = debounce;
            return this;
        }

        /**
         * How often the leader re-checks all status even without a change (a failed write, or a status another
         * actor overwrote, is repaired then); default 60 s; zero turns it off.
         */
        public Builder statusResync(Duration every) {
            if (every.isNegative()) {
                throw new IllegalArgumentException("statusResync: " + every + " (expected: zero or more)");
            }
            this.statusResync = every;
            return this;
        }

        /** The clock of condition lastTransitionTimes. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ClusterMode build() {
            return new ClusterMode(this);
        }
    }

    /**
     * Starts the informers and, if configured, the leader election. Does not block.
     *
     * @return completes when every informer has synced
     */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> synced = watch.start();
        election.ifPresent(LeaderElection::start);
        if (status.isPresent() && statusResync.isPositive()) {
            long ms = statusResync.toMillis();
            control.scheduleWithFixedDelay(
                    () -> watch.current().ifPresent(this::writeStatus), ms, ms, TimeUnit.MILLISECONDS);
        }
        return synced;
    }

    private void changed(LoadResult result) {
        try {
            onChange.accept(result);
        } catch (RuntimeException e) {
            LOG.error("the cluster change callback failed", e);
        }
        writeStatus(result);
    }

    /** Runs on the control thread. */
    private void writeStatus(LoadResult result) {
        if (closed || status.isEmpty() || !isLeader()) {
            return;
        }
        StatusWriter.Report r;
        try {
            r = status.get().write(result.manifests(), scope.writesPoolStatus(), this::ownsModel);
        } catch (RuntimeException e) { // a scheduled task that throws would never run again
            LOG.error("writing status failed", e);
            return;
        }
        if (r.written() > 0 || r.failed() > 0) {
            LOG.info("status: {} written, {} unchanged, {} failed", r.written(), r.unchanged(), r.failed());
        }
    }

    /** In picker scope, only the InferenceModels of the picker's pool; otherwise all. */
    private boolean ownsModel(InferenceModel m) {
        return scope.pool()
                .map(p -> p.name().equals(m.poolRef().name())
                        && p.group().equals(m.poolRef().group()))
                .orElse(true);
    }

    /** On an election thread: hand the status of the current set to the control thread. */
    private void startedLeading() {
        try {
            control.execute(() -> watch.current().ifPresent(this::writeStatus));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    public boolean hasSynced() {
        return watch.hasSynced();
    }

    /** True without leader election; otherwise whether this replica holds the lease. */
    public boolean isLeader() {
        return election.map(LeaderElection::isLeader).orElse(true);
    }

    /** Synced and leader: what the readiness probe reports. */
    public boolean isReady() {
        return hasSynced() && isLeader();
    }

    /** The latest load result, if the watch has synced. */
    public Optional<LoadResult> current() {
        return watch.current();
    }

    /** The watch (for its scope and the kinds found missing). */
    public ClusterWatch watch() {
        return watch;
    }

    /** Stops the informers, the election (releasing the lease) and the control thread; closes an owned client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        election.ifPresent(LeaderElection::close);
        watch.close();
        control.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
