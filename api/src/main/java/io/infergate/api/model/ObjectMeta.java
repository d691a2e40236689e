package io.infergate.api.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The part of Kubernetes {@code metadata} that Infergate uses. Other metadata fields that {@code kubectl get
 * -o yaml} emits (uid, resourceVersion, generation, managedFields, ...) are accepted by the loader and dropped.
 *
 * <p>Immutable. {@code namespace} is already defaulted ({@value #DEFAULT_NAMESPACE}); {@code name} is empty
 * only when the manifest lacked it (the loader then reports an error).
 */
public record ObjectMeta(
        String name,
        String namespace,
        Map<String, String> labels,
        Map<String, String> annotations,
        Optional<Instant> creationTimestamp) {

    /** The namespace of objects that do not name one, as {@code kubectl apply} without {@code -n} does. */
    public static final String DEFAULT_NAMESPACE = "default";

    public ObjectMeta {
        Copies.str(name, "name");
        Copies.str(namespace, "namespace");
        labels = Copies.map(labels, "labels");
        annotations = Copies.map(annotations, "annotations");
        Objects.requireNonNull(creationTimestamp, "creationTimestamp");
    }

    /** A name in the default namespace with no labels: handy in tests. */
    public static ObjectMeta of(String name) {
        return new ObjectMeta(name, DEFAULT_NAMESPACE, Map.of(), Map.of(), Optional.empty());
    }

    public ObjectMeta withNamespace(String ns) {
        return new ObjectMeta(name, ns, labels, annotations, creationTimestamp);
    }
}
