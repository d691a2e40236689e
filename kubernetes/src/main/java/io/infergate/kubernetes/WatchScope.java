package io.infergate.kubernetes;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.EndpointSlice;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.Pod;
import io.infergate.api.model.Secret;
import io.infergate.api.model.Service;
import io.infergate.api.model.TcpRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link ClusterWatch} watches: the kinds, the namespace (or all), and which objects of those kinds are
 * kept. Immutable; build one with {@link #forServe} or {@link #forPicker}.
 *
 * @param namespace         the one namespace watched; empty = every namespace
 * @param kinds             in the order their objects appear in the manifest set
 * @param gatewayClassNames Gateways of other classes are left out of the set (and get no status from us);
 *                          empty = every Gateway
 * @param pool              picker scope only: the one InferencePool kept ({@code group}, {@code name})
 * @param writesPoolStatus  whether status writing covers InferencePool {@code status.parents} (serve scope: yes; the
 *                          picker is not a Gateway controller and leaves it alone)
 */
public record WatchScope(
        Optional<String> namespace,
        List<WatchedKind> kinds,
        Set<String> gatewayClassNames,
        Optional<PoolName> pool,
        boolean writesPoolStatus) {

    public static final WatchedKind POOL_V1 =
            WatchedKind.crd(ApiGroups.INFERENCE_V1, InferencePool.KIND, "inferencepools");
    public static final WatchedKind POOL_V1ALPHA2 =
            WatchedKind.crd(ApiGroups.INFERENCE_X_V1ALPHA2, InferencePool.KIND, "inferencepools");
    public static final WatchedKind INFERENCE_MODEL =
            WatchedKind.crd(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceModel.KIND, "inferencemodels");
    public static final WatchedKind INFERENCE_OBJECTIVE =
            WatchedKind.crd(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceObjective.KIND, "inferenceobjectives");
    public static final WatchedKind INFERENCE_MODEL_REWRITE =
            WatchedKind.crd(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceModelRewrite.KIND, "inferencemodelrewrites");
    public static final WatchedKind GATEWAY = WatchedKind.crd(ApiGroups.GATEWAY_V1, Gateway.KIND, "gateways");
    public static final WatchedKind HTTP_ROUTE = WatchedKind.crd(ApiGroups.GATEWAY_V1, HttpRoute.KIND, "httproutes");
    public static final WatchedKind TCP_ROUTE = WatchedKind.crd(ApiGroups.GATEWAY_V1ALPHA2, TcpRoute.KIND, "tcproutes");
    public static final WatchedKind POD = WatchedKind.builtIn("v1", Pod.KIND, "pods");
    public static final WatchedKind SERVICE = WatchedKind.builtIn("v1", Service.KIND, "services");
    public static final WatchedKind ENDPOINT_SLICE =
            WatchedKind.builtIn(ApiGroups.DISCOVERY_V1, EndpointSlice.KIND, "endpointslices");
    /** Only the ConfigMaps that Body-Based Routing reads ({@link ConfigMap#BBR_MANAGED_LABEL}{@code =true}). */
    public static final WatchedKind BBR_CONFIG_MAP = WatchedKind.builtIn("v1", ConfigMap.KIND, "configmaps")
            .withLabels(Map.of(ConfigMap.BBR_MANAGED_LABEL, "true"));
    /**
     * TLS Secrets ({@code type: kubernetes.io/tls}), for the certificates of HTTPS listeners; only watched when
     * asked for (it needs read access to Secrets).
     */
    public static final WatchedKind SECRET =
            WatchedKind.builtIn("v1", Secret.KIND, "secrets").withFields(Map.of("type", "kubernetes.io/tls"));

    public WatchScope {
        Objects.requireNonNull(namespace, "namespace");
        kinds = List.copyOf(kinds);
        gatewayClassNames = Set.copyOf(gatewayClassNames);
        Objects.requireNonNull(pool, "pool");
        namespace.ifPresent(ns -> {
            if (ns.isBlank()) {
                throw new IllegalArgumentException(
                        "namespace: blank (expected: a namespace name, or empty for" + " all namespaces)");
            }
        });
    }

    /** The pool a picker serves. */
    public record PoolName(String group, String name) {
        public PoolName {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(name, "name");
            if (!ApiGroups.isInferencePoolGroup(group) || name.isBlank()) {
                throw new IllegalArgumentException("pool: group \"" + group + "\", name \"" + name + "\" (expected:"
                        + " group " + ApiGroups.INFERENCE + " or " + ApiGroups.INFERENCE_X + " and a name)");
            }
        }
    }

    /**
     * What {@code infergate serve --kubernetes} needs: InferencePools (v1 and v1alpha2), InferenceModels,
     * InferenceObjectives, InferenceModelRewrites, Gateways, HTTPRoutes, TCPRoutes, Pods, Services,
     * EndpointSlices and bbr-managed ConfigMaps; Secrets when {@code tlsSecrets}.
     *
     * @param namespace         empty = all namespaces
     * @param gatewayClassNames the classes we serve; empty = every Gateway
     */
    public static WatchScope forServe(Optional<String> namespace, Set<String> gatewayClassNames, boolean tlsSecrets) {
        List<WatchedKind> kinds = new ArrayList<>(List.of(
                GATEWAY,
                HTTP_ROUTE,
                TCP_ROUTE,
                POOL_V1,
                POOL_V1ALPHA2,
                INFERENCE_MODEL,
                INFERENCE_OBJECTIVE,
                INFERENCE_MODEL_REWRITE,
                SERVICE,
                POD,
                ENDPOINT_SLICE,
                BBR_CONFIG_MAP));
        if (tlsSecrets) {
            kinds.add(SECRET);
        }
        return new WatchScope(namespace, kinds, gatewayClassNames, Optional.empty(), true);
    }

    /** {@link #forServe(Optional, Set, boolean)} for every Gateway class, without Secrets. */
    public static WatchScope forServe(Optional<String> namespace) {
        return forServe(namespace, Set.of(), false);
    }

    /**
     * What {@code infergate epp} needs: the one pool, and the Pods, InferenceModels, InferenceObjectives and
     * InferenceModelRewrites of its namespace.
     *
     * @param poolGroup {@code inference.networking.k8s.io} (v1) or {@code inference.networking.x-k8s.io} (v1alpha2)
     */
    public static WatchScope forPicker(String namespace, String poolName, String poolGroup) {
        WatchedKind poolKind = ApiGroups.INFERENCE.equals(poolGroup) ? POOL_V1 : POOL_V1ALPHA2;
        return new WatchScope(
                Optional.of(namespace),
                List.of(poolKind, INFERENCE_MODEL, INFERENCE_OBJECTIVE, INFERENCE_MODEL_REWRITE, POD),
                Set.of(),
                Optional.of(new PoolName(poolGroup, poolName)),
                false);
    }

    /** Whether the set keeps a Gateway of this class. */
    public boolean servesGatewayClass(String className) {
        return gatewayClassNames.isEmpty() || gatewayClassNames.contains(className);
    }
}
