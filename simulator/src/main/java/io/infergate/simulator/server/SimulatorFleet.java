package io.infergate.simulator.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * N replicas from one {@link FleetSpec}, sharing one Netty event loop group, plus an optional
 * {@link FleetAdminServer} to inspect them, change their faults and stop/start them at runtime.
 *
 * <p>Threading: {@link #start()} and {@link #close()} block and must not run on an event loop; accessors
 * are safe from any thread after {@link #start()}. If starting any replica fails, everything started so far
 * is closed and the exception propagates.
 */
public final class SimulatorFleet implements AutoCloseable {

    private final FleetSpec spec;
    // published once all replicas started; read lock-free (the admin server reads it on event loops)
    private volatile List<SimReplica> replicas = List.of();
    private EventLoopGroup group;
    private volatile FleetAdminServer admin;
    private boolean closed;

    public SimulatorFleet(FleetSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** Starts every replica, then the admin server. */
    public synchronized SimulatorFleet start() {
        if (group != null || closed) {
            throw new IllegalStateException("fleet already started or closed");
        }
        group = new MultiThreadIoEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
        List<SimReplica> started = new ArrayList<>();
        try {
            for (int i = 0; i < spec.replicas(); i++) {
                SimReplica r = new SimReplica(spec.replica(i), group);
                started.add(r);
                r.start();
            }
            replicas = List.copyOf(started);
            if (spec.adminPort() >= 0) {
                admin = new FleetAdminServer(this, spec.template().http().host(), group);
                admin.start(spec.adminPort());
            }
        } catch (RuntimeException e) {
            replicas = List.copyOf(started);
            close();
            throw e;
        }
        return this;
    }

    public FleetSpec spec() {
        return spec;
    }

    /** The replicas in index order (an immutable snapshot). */
    public List<SimReplica> replicas() {
        return replicas;
    }

    /** @throws IndexOutOfBoundsException if there is no such replica */
    public SimReplica replica(int index) {
        return replicas.get(index);
    }

    /** The admin server's port, or -1 if there is none. */
    public int adminPort() {
        FleetAdminServer a = admin;
        return a == null ? -1 : a.port();
    }

    /** {@code http://host:port} of the admin API, or null if there is none. */
    public String adminUrl() {
        FleetAdminServer a = admin;
        return a == null ? null : a.url();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close();
        }
        for (SimReplica r : replicas) {
            r.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
