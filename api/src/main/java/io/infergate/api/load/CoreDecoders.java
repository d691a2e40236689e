package io.infergate.api.load;

import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.EndpointSlice;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.Pod;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Secret;
import io.infergate.api.model.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Decoders for the core and discovery kinds used without a cluster: Service, Pod, EndpointSlice, ConfigMap,
 * Secret. Only the fields Infergate reads are modelled; fields that {@code kubectl get -o yaml} emits but that do
 * not matter to a gateway are accepted and dropped (listed in each decoder).
 */
final class CoreDecoders {

    private CoreDecoders() {}

    static Resource service(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        if (spec == null) {
            return new Service(meta, origin, "ClusterIP", Map.of(), List.of());
        }
        String type = spec.string("type").orElse("ClusterIP");
        Map<String, String> selector = spec.stringMap("selector");
        List<Service.Port> ports = new ArrayList<>();
        for (Obj p : spec.objects("ports")) {
            Optional<String> name = p.string("name");
            String protocol = p.string("protocol").orElse("TCP");
            int port = p.requiredInteger("port").orElse(0);
            OptionalInt targetNumber = OptionalInt.of(port);
            Optional<String> targetName = Optional.empty();
            Node tp = p.raw("targetPort");
            if (tp != null) {
                if (tp instanceof ScalarNode s && Tag.INT.equals(tp.getTag())) {
                    targetNumber = p.integer("targetPort");
                } else if (tp instanceof ScalarNode s && Tag.STR.equals(tp.getTag())) {
                    targetNumber = OptionalInt.empty();
                    targetName = Optional.of(s.getValue());
                } else {
                    p.ctx()
                            .error(
                                    tp,
                                    p.path("targetPort"),
                                    "found " + Obj.describe(tp)
                                            + " (expected: a port number or a container port name)");
                }
            }
            Optional<String> app = p.string("appProtocol");
            p.ignore("nodePort");
            p.finish();
            ports.add(new Service.Port(name, protocol, port, targetNumber, targetName, app));
        }
        spec.ignore(
                "clusterIP",
                "clusterIPs",
                "externalName",
                "sessionAffinity",
                "sessionAffinityConfig",
                "ipFamilies",
                "ipFamilyPolicy",
                "internalTrafficPolicy",
                "externalTrafficPolicy",
                "publishNotReadyAddresses",
                "loadBalancerIP",
                "loadBalancerSourceRanges",
                "loadBalancerClass",
                "externalIPs",
                "healthCheckNodePort",
                "allocateLoadBalancerNodePorts",
                "trafficDistribution");
        spec.finish();
        root.ignore("status");
        return new Service(meta, origin, type, selector, ports);
    }

    static Resource pod(Obj root, ObjectMeta meta, Origin origin) {
        // the Pod's spec (containers, ports, ...) does not decide anything here: endpoints use the pool's ports
        root.ignore("spec");
        Optional<String> ip = Optional.empty();
        Optional<String> phase = Optional.empty();
        Optional<Boolean> ready = Optional.empty();
        Optional<Obj> status = root.object("status");
        if (status.isPresent()) {
            Obj s = status.get();
            ip = s.string("podIP");
            phase = s.string("phase");
            for (Obj c : s.objects("conditions")) {
                String type = c.requiredString("type");
                String value = c.requiredString("status");
                if (type.equals("Ready")) {
                    ready = Optional.of(value.equals("True"));
                }
                c.ignore("lastProbeTime", "lastTransitionTime", "reason", "message", "observedGeneration");
                c.finish();
            }
            s.ignore(
                    "podIPs",
                    "hostIP",
                    "hostIPs",
                    "startTime",
                    "containerStatuses",
                    "initContainerStatuses",
                    "ephemeralContainerStatuses",
                    "qosClass",
                    "message",
                    "reason",
                    "nominatedNodeName",
                    "resize",
                    "resourceClaimStatuses",
                    "observedGeneration");
            s.finish();
        } else {
            root.ignore("status");
        }
        if (ip.isEmpty()) {
            root.ctx()
                    .warning(
                            root.node(),
                            "status.podIP",
                            "no status.podIP: this Pod gives no endpoint (expected: the address of the model server)");
        }
        return new Pod(meta, origin, ip, phase, ready);
    }

    static Resource endpointSlice(Obj root, ObjectMeta meta, Origin origin) {
        String addressType = root.requiredString("addressType");
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (Obj e : root.objects("endpoints")) {
            if (!e.has("addresses")) {
                e.missing("addresses");
            }
            List<String> addresses = e.strings("addresses");
            Optional<Boolean> ready = Optional.empty();
            Optional<Obj> cond = e.object("conditions");
            if (cond.isPresent()) {
                ready = cond.get().bool("ready");
                cond.get().ignore("serving", "terminating");
                cond.get().finish();
            }
            Optional<String> hostname = e.string("hostname");
            e.ignore("nodeName", "zone", "targetRef", "hints", "deprecatedTopology");
            e.finish();
            endpoints.add(new EndpointSlice.Endpoint(addresses, ready, hostname));
        }
        List<EndpointSlice.Port> ports = new ArrayList<>();
        for (Obj p : root.objects("ports")) {
            ports.add(new EndpointSlice.Port(
                    p.string("name"),
                    p.string("protocol").orElse("TCP"),
                    p.requiredInteger("port").orElse(0),
                    p.string("appProtocol")));
            p.finish();
        }
        return new EndpointSlice(meta, origin, addressType, endpoints, ports);
    }

    static Resource configMap(Obj root, ObjectMeta meta, Origin origin) {
        Map<String, String> data = root.stringMap("data");
        Map<String, String> binary = root.stringMap("binaryData");
        root.bool("immutable");
        return new ConfigMap(meta, origin, data, binary);
    }

    static Resource secret(Obj root, ObjectMeta meta, Origin origin) {
        String type = root.string("type").orElse("Opaque");
        Map<String, String> data = new LinkedHashMap<>(root.stringMap("data"));
        // the API server merges stringData into data (stringData wins); so do we
        root.stringMap("stringData")
                .forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        if (root.has("stringData")) {
            // problems about the merged data point at stringData when there is no data field
            root.ctx().record("data", root.raw("stringData"));
        }
        root.bool("immutable");
        return new Secret(meta, origin, type, data);
    }
}
