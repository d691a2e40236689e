package io.infergate.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Objects;

/**
 * One kind that a {@link ClusterWatch} keeps an informer on. Immutable.
 *
 * @param apiVersion    {@code group/version}, or {@code v1} for the core group
 * @param kind          as Kubernetes spells it ({@code InferencePool})
 * @param plural        the resource name in URLs ({@code inferencepools}); given explicitly so that no discovery
 *                      request is needed and a kind whose CRD is not installed fails with a plain 404
 * @param labelSelector only objects with all these labels are watched (server-side selection); empty = all
 * @param fieldSelector only objects whose fields have these values (server-side, e.g. a Secret's {@code type});
 *                      empty = all
 * @param optional      a kind that may be missing from the cluster (a CRD): a 404 on the first list is logged once
 *                      and the kind counts as synced and empty. A required kind (Pods, Services) keeps retrying.
 */
public record WatchedKind(
        String apiVersion,
        String kind,
        String plural,
        Map<String, String> labelSelector,
        Map<String, String> fieldSelector,
        boolean optional) {

    public WatchedKind {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        labelSelector = Map.copyOf(labelSelector);
        fieldSelector = Map.copyOf(fieldSelector);
        if (apiVersion.isBlank() || kind.isBlank() || plural.isBlank()) {
            throw new IllegalArgumentException("apiVersion, kind and plural: \"" + apiVersion + "\", \"" + kind
                    + "\", \"" + plural + "\" (expected: non-blank, e.g. inference.networking.k8s.io/v1,"
                    + " InferencePool, inferencepools)");
        }
    }

    /** A CRD kind, with no label selection: optional. */
    public static WatchedKind crd(String apiVersion, String kind, String plural) {
        return new WatchedKind(apiVersion, kind, plural, Map.of(), Map.of(), true);
    }

    /** A built-in kind: required. */
    public static WatchedKind builtIn(String apiVersion, String kind, String plural) {
        return new WatchedKind(apiVersion, kind, plural, Map.of(), Map.of(), false);
    }

    /** The same kind, watching only objects with these labels. */
    public WatchedKind withLabels(Map<String, String> labels) {
        return new WatchedKind(apiVersion, kind, plural, labels, fieldSelector, optional);
    }

    /** The same kind, watching only objects with these field values. */
    public WatchedKind withFields(Map<String, String> fields) {
        return new WatchedKind(apiVersion, kind, plural, labelSelector, fields, optional);
    }

    /** The API group: empty for the core group. */
    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String version() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }

    /** How fabric8 addresses this kind (every kind we watch is namespaced). */
    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group())
                .withVersion(version())
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    /** {@code kind.group/version}, as logs name a watched kind. */
    @Override
    public String toString() {
        return kind + "." + apiVersion;
    }
}
