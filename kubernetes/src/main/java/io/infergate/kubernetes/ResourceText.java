package io.infergate.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.Pod;
import io.infergate.api.model.TcpRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a cached cluster object into the manifest text the file loader reads. Stateless and thread-safe.
 *
 * <p>What is kept: apiVersion, kind, the metadata the loader reads (name, namespace, labels, annotations,
 * creationTimestamp), and every other top-level field (spec, data, endpoints, ...). {@code status} is kept only for
 * Pods, reduced to podIP, phase and the conditions' type and status: the loader ignores the status of every other
 * kind, and leaving it (and resourceVersion, generation, managedFields) out means that a status write, ours or
 * another controller's, yields the same text and no new manifest set.
 */
final class ResourceText {

    private static final List<String> META_KEPT =
            List.of("name", "namespace", "labels", "annotations", "creationTimestamp");

    private ResourceText() {}

    /** {@code cluster:Kind/namespace/name}: the "file name" in problems about this object. */
    static String sourceName(String kind, String namespace, String name) {
        return "cluster:" + kind + "/" + namespace + "/" + name;
    }

    /**
     * The object as YAML text, or empty when the scope leaves it out (a terminating Pod, a Gateway of a class we
     * do not serve, a pool other than the picker's). Routes are filtered by {@link #attachesTo} in the watch.
     */
    static Optional<String> of(GenericKubernetesResource r, WatchScope scope, KubernetesSerialization json) {
        if (!keeps(r, scope)) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", r.getApiVersion());
        out.put("kind", r.getKind());
        Map<String, Object> meta = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> rawMeta = json.convertValue(r.getMetadata(), Map.class);
        for (String key : META_KEPT) {
            Object v = rawMeta.get(key);
            if (v != null && !(v instanceof Map<?, ?> m && m.isEmpty())) {
                meta.put(key, v);
            }
        }
        out.put("metadata", meta);
        for (Map.Entry<String, Object> e : r.getAdditionalProperties().entrySet()) {
            if (!e.getKey().equals("status")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        if (Pod.KIND.equals(r.getKind())) {
            out.remove("spec"); // not read: endpoints take their ports from the pool
            Object status = r.getAdditionalProperties().get("status");
            if (status instanceof Map<?, ?> s) {
                out.put("status", podStatus(s));
            }
        }
        return Optional.of(json.asYaml(out));
    }

    /** Whether the scope keeps this object (before conversion). */
    static boolean keeps(GenericKubernetesResource r, WatchScope scope) {
        if (r.getMetadata() == null || r.getMetadata().getName() == null) {
            return false;
        }
        if (Pod.KIND.equals(r.getKind()) && r.getMetadata().getDeletionTimestamp() != null) {
            return false; // terminating: the endpoint picker drops it too
        }
        if (Gateway.KIND.equals(r.getKind())) {
            Object spec = r.getAdditionalProperties().get("spec");
            Object className = spec instanceof Map<?, ?> s ? s.get("gatewayClassName") : null;
            return scope.servesGatewayClass(className == null ? "" : className.toString());
        }
        if (InferencePool.KIND.equals(r.getKind()) && scope.pool().isPresent()) {
            WatchScope.PoolName p = scope.pool().get();
            String apiVersion = r.getApiVersion() == null ? "" : r.getApiVersion();
            return apiVersion.startsWith(p.group() + "/")
                    && p.name().equals(r.getMetadata().getName());
        }
        return true;
    }

    static boolean isRoute(GenericKubernetesResource r) {
        return HttpRoute.KIND.equals(r.getKind()) || TcpRoute.KIND.equals(r.getKind());
    }

    /**
     * Whether a route's parentRefs name one of these Gateways ({@code namespace/name}); a parentRef's group and kind
     * default to the Gateway API's, its namespace to the route's.
     */
    static boolean attachesTo(GenericKubernetesResource route, Set<String> gateways) {
        Object spec = route.getAdditionalProperties().get("spec");
        Object parents = spec instanceof Map<?, ?> s ? s.get("parentRefs") : null;
        if (!(parents instanceof List<?> list)) {
            return false;
        }
        for (Object p : list) {
            if (p instanceof Map<?, ?> ref) {
                Object group = ref.get("group");
                Object kind = ref.get("kind");
                Object ns = ref.get("namespace");
                if ((group == null || ApiGroups.GATEWAY.equals(group))
                        && (kind == null || Gateway.KIND.equals(kind))
                        && gateways.contains(
                                (ns == null ? route.getMetadata().getNamespace() : ns) + "/" + ref.get("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, Object> podStatus(Map<?, ?> s) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : List.of("podIP", "phase")) {
            if (s.get(key) != null) {
                out.put(key, s.get(key));
            }
        }
        if (s.get("conditions") instanceof List<?> conditions) {
            out.put(
                    "conditions",
                    conditions.stream()
                            .filter(c -> c instanceof Map<?, ?> m && m.get("type") != null && m.get("status") != null)
                            .map(c -> condition((Map<?, ?>) c))
                            .toList());
        }
        return out;
    }

    private static Map<String, Object> condition(Map<?, ?> c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", c.get("type"));
        out.put("status", c.get("status"));
        return out;
    }
}
