package io.infergate.app.epp;

import io.infergate.extproc.server.EppServer;
import io.infergate.extproc.server.EppState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A running {@code infergate epp}: the server, its state and whatever feeds the state (the file reloader or the
 * cluster watch). {@link #close()} stops them in reverse order of start; safe to call twice, from any thread.
 */
public final class EppRuntime implements AutoCloseable {

    private final EppServer server;
    private final String banner;
    private final List<AutoCloseable> feeds;
    private boolean closed;

    EppRuntime(EppServer server, String banner, List<AutoCloseable> feeds) {
        this.server = Objects.requireNonNull(server, "server");
        this.banner = Objects.requireNonNull(banner, "banner");
        this.feeds = new ArrayList<>(feeds);
    }

    public EppServer server() {
        return server;
    }

    public EppState state() {
        return server.state();
    }

    /** What the command prints once started: the pool and where every port listens. */
    public String banner() {
        return banner;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = feeds.size() - 1; i >= 0; i--) {
            try {
                feeds.get(i).close();
            } catch (Exception e) {
                // keep closing the rest; the process is going away
            }
        }
        server.close();
        server.state().close();
    }
}
