package io.infergate.api.validate;

import io.infergate.api.model.EndpointSlice;
import io.infergate.api.model.Pod;
import io.infergate.api.model.Service;
import java.util.List;
import java.util.Set;

/** Services, Pods and EndpointSlices: ports, types and addresses. */
final class CoreRules {

    private static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

    private CoreRules() {}

    static void check(Reporter r) {
        for (Service s : r.set().services()) {
            if (!SERVICE_TYPES.contains(s.type())) {
                r.error(
                        s,
                        "spec.type",
                        "unsupported value \"" + s.type()
                                + "\" (expected one of: ClusterIP, NodePort, LoadBalancer, ExternalName)");
            }
            for (int i = 0; i < s.ports().size(); i++) {
                Service.Port p = s.ports().get(i);
                String path = "spec.ports[" + i + "]";
                r.range(s, path + ".port", p.port(), 1, 65535);
                p.targetPortNumber().ifPresent(t -> r.range(s, path + ".targetPort", t, 1, 65535));
                if (!PROTOCOLS.contains(p.protocol())) {
                    r.error(
                            s,
                            path + ".protocol",
                            "unsupported value \"" + p.protocol() + "\" (expected one of: TCP, UDP, SCTP)");
                }
            }
        }
        for (Pod p : r.set().pods()) {
            p.podIp().ifPresent(ip -> {
                if (!Formats.isIp(ip)) {
                    r.error(p, "status.podIP", "\"" + ip + "\" is not an IP address (expected: e.g. 10.0.0.7)");
                }
            });
        }
        for (EndpointSlice s : r.set().endpointSlices()) {
            if (!List.of("IPv4", "IPv6", "FQDN").contains(s.addressType())) {
                r.error(
                        s,
                        "addressType",
                        "unsupported value \"" + s.addressType() + "\" (expected one of: IPv4, IPv6, FQDN)");
            }
            for (int i = 0; i < s.ports().size(); i++) {
                r.range(s, "ports[" + i + "].port", s.ports().get(i).port(), 1, 65535);
            }
            for (int i = 0; i < s.endpoints().size(); i++) {
                List<String> addresses = s.endpoints().get(i).addresses();
                for (int j = 0; j < addresses.size(); j++) {
                    if (!s.addressType().equals("FQDN") && !Formats.isIp(addresses.get(j))) {
                        r.error(
                                s,
                                "endpoints[" + i + "].addresses[" + j + "]",
                                "\"" + addresses.get(j) + "\" is not an IP address (expected: an " + s.addressType()
                                        + " address)");
                    }
                }
            }
        }
    }
}
