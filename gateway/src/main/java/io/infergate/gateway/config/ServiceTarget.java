package io.infergate.gateway.config;

import io.infergate.gateway.route.ServiceBackend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints of one Service port, for plain L7 and TCP round-robin. The endpoint list is immutable; the
 * rotation counter is the one mutable part (an atomic, shared by every event loop; a reload starts a new one).
 */
public final class ServiceTarget {

    private final ServiceBackend backend;
    private final List<InetSocketAddress> endpoints;
    private final AtomicInteger next = new AtomicInteger();

    public ServiceTarget(ServiceBackend backend, List<InetSocketAddress> endpoints) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.endpoints = List.copyOf(endpoints);
    }

    public ServiceBackend backend() {
        return backend;
    }

    public List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    /**
     * Every endpoint, starting with the next one in round-robin order; the rest are retry fallbacks. Empty when
     * the Service has no ready endpoint. Never blocks.
     */
    public List<InetSocketAddress> rotation() {
        int n = endpoints.size();
        if (n <= 1) {
            return endpoints;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        List<InetSocketAddress> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(endpoints.get((start + i) % n));
        }
        return out;
    }
}
