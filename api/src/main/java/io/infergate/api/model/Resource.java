package io.infergate.api.model;

import java.time.Instant;
import java.util.Comparator;

/**
 * A Kubernetes-shaped object loaded from a manifest. Every implementation is an immutable record, safe to
 * share between threads; the closed set lets consumers switch over it exhaustively.
 */
public sealed interface Resource
        permits Gateway,
                HttpRoute,
                TcpRoute,
                InferencePool,
                InferenceModel,
                InferenceObjective,
                InferenceModelRewrite,
                Service,
                Pod,
                EndpointSlice,
                ConfigMap,
                Secret,
                EndpointPickerConfig {

    /**
     * Oldest first: objects with a {@code creationTimestamp} (in timestamp order) come before objects without
     * one (which count as created in document order now), ties broken by document order. This is the order in
     * which "the oldest resource wins" a clash.
     */
    Comparator<Resource> OLDEST_FIRST = Comparator.comparing(
                    (Resource r) -> r.metadata().creationTimestamp().isEmpty())
            .thenComparing(r -> r.metadata().creationTimestamp().orElse(Instant.EPOCH))
            .thenComparingInt(r -> r.origin().sequence());

    ObjectMeta metadata();

    Origin origin();

    /** {@code group/version}, or just {@code v1} for the core group. */
    String apiVersion();

    String kind();

    /** The API group: the part of {@code apiVersion} before the slash, empty for the core group. */
    default String group() {
        String v = apiVersion();
        int slash = v.indexOf('/');
        return slash < 0 ? "" : v.substring(0, slash);
    }

    /** {@code Kind/name}, as problems and logs name an object. */
    default String displayName() {
        return kind() + "/" + metadata().name();
    }
}
