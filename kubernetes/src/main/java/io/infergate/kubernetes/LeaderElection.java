package io.infergate.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active-passive leader election over a {@code coordination.k8s.io/v1} Lease (fabric8's {@link LeaderElector} with a
 * {@link LeaseLock}). One replica leads at a time; the others wait and take over when the lease expires. A replica
 * that loses the lease (it could not renew within the renew deadline) stops leading and competes again.
 *
 * <p><b>Threading.</b> The election runs on its own daemon threads. {@code onStart} and {@code onStop} run there, one
 * at a time, and must not block for long. {@link #isLeader()} may be called from any thread. {@link #close()} stops
 * competing and releases the lease if held, so that another replica takes over at once.
 *
 * <p><b>Errors.</b> API errors while acquiring or renewing are retried every retry period by fabric8; renewing
 * failures past the renew deadline end leadership ({@code onStop}).
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final Settings settings;
    private final Runnable onStart;
    private final Runnable onStop;
    private final ExecutorService executor;
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    /**
     * Lease settings. Kubernetes' usual values: lease 15 s, renew deadline 10 s, retry 2 s; the lease must outlast
     * the renew deadline, which must outlast the retry period.
     *
     * @param identity the holder identity written into the Lease (the pod name)
     */
    public record Settings(
            String leaseNamespace,
            String leaseName,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod) {
        public Settings {
            Objects.requireNonNull(leaseNamespace, "leaseNamespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
            if (leaseNamespace.isBlank() || leaseName.isBlank() || identity.isBlank()) {
                throw new IllegalArgumentException("lease namespace, name and identity: \"" + leaseNamespace + "\", \""
                        + leaseName + "\", \"" + identity + "\" (expected: non-blank)");
            }
            if (!(leaseDuration.compareTo(renewDeadline) > 0
                    && renewDeadline.compareTo(retryPeriod) > 0
                    && retryPeriod.isPositive())) {
                throw new IllegalArgumentException("lease " + leaseDuration + ", renew deadline " + renewDeadline
                        + ", retry " + retryPeriod + " (expected: lease > renew deadline > retry period > 0)");
            }
        }

        /** The usual durations (15 s, 10 s, 2 s), this replica's {@link #defaultIdentity()}. */
        public static Settings of(String leaseNamespace, String leaseName) {
            return new Settings(
                    leaseNamespace,
                    leaseName,
                    defaultIdentity(),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }

        public Settings withIdentity(String id) {
            return new Settings(leaseNamespace, leaseName, id, leaseDuration, renewDeadline, retryPeriod);
        }

        public Settings withDurations(Duration lease, Duration renew, Duration retry) {
            return new Settings(leaseNamespace, leaseName, identity, lease, renew, retry);
        }
    }

    /** {@code POD_NAME}, else {@code HOSTNAME}, else the local host name. */
    public static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "infergate-" + ProcessHandle.current().pid();
        }
    }

    /**
     * @param onStart called when this replica becomes leader
     * @param onStop  called when it stops leading (lost the lease, or closed while leading)
     */
    public LeaderElection(KubernetesClient client, Settings settings, Runnable onStart, Runnable onStop) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.onStart = Objects.requireNonNull(onStart, "onStart");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "infergate-leader-election-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts competing for the lease; does not block. */
    public synchronized void start() {
        if (running != null || closed) {
            throw new IllegalStateException("leader election already started or closed");
        }
        compete();
    }

    private synchronized void compete() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElectorBuilder(client, executor)
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(settings.leaseName())
                        .withLock(new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                        .build())
                .build();
        CompletableFuture<?> f = elector.start();
        running = f;
        // leadership lost (not closed): compete again, as a passive replica
        f.whenComplete((v, t) -> {
            if (!closed) {
                executor.execute(this::compete);
            }
        });
    }

    private void newLeader(String id) {
        if (id != null && !id.isEmpty()) {
            LOG.debug("lease {}/{}: leader is {}", settings.leaseNamespace(), settings.leaseName(), id);
        }
    }

    private void started() {
        if (closed || !leader.compareAndSet(false, true)) {
            return;
        }
        LOG.info(
                "{} is now the leader (lease {}/{})",
                settings.identity(),
                settings.leaseNamespace(),
                settings.leaseName());
        try {
            onStart.run();
        } catch (RuntimeException e) {
            LOG.error("the start-leading callback failed", e);
        }
    }

    private void stopped() {
        if (!leader.compareAndSet(true, false)) {
            return;
        }
        LOG.info(
                "{} stopped leading (lease {}/{})",
                settings.identity(),
                settings.leaseNamespace(),
                settings.leaseName());
        try {
            onStop.run();
        } catch (RuntimeException e) {
            LOG.error("the stop-leading callback failed", e);
        }
    }

    /** Whether this replica holds the lease now. */
    public boolean isLeader() {
        return leader.get();
    }

    public Settings settings() {
        return settings;
    }

    /** Stops competing; releases the lease if held (onStop is called). Idempotent. */
    @Override
    public void close() {
        CompletableFuture<?> f;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            f = running;
        }
        if (f != null) {
            f.cancel(true); // releaseOnCancel: the lease is handed back
        }
        stopped();
        executor.shutdown();
    }
}
