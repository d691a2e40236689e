package io.infergate.extproc.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pipeline.PickerProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's subset hint (GIE {@code docs/proposals/004-endpoint-picker-protocol/README.md}): {@code
 * metadata_context.filter_metadata["envoy.lb.subset_hint"] ["x-gateway-destination-endpoint-subset"]}, a list of {@code
 * ip:port} or {@code ip} strings, or one string with a comma list (as the lightweight reference picker also accepts).
 * An entry with a port matches that endpoint exactly; an entry without one matches every port of that IP (every
 * data-parallel rank of the pod), as the reference picker matches. Immutable.
 */
record SubsetHint(List<String> entries) {

    SubsetHint {
        entries = List.copyOf(entries);
    }

    /** The hint in the request's metadata, if the key is present (even with an empty list). */
    static Optional<SubsetHint> of(Metadata metadata) {
        Struct ns = metadata.getFilterMetadataMap().get(PickerProtocol.SUBSET_HINT_NAMESPACE);
        if (ns == null || !ns.containsFields(PickerProtocol.DESTINATION_ENDPOINT_SUBSET)) {
            return Optional.empty();
        }
        Value v = ns.getFieldsOrThrow(PickerProtocol.DESTINATION_ENDPOINT_SUBSET);
        List<String> out = new ArrayList<>();
        switch (v.getKindCase()) {
            case LIST_VALUE ->
                v.getListValue().getValuesList().forEach(e -> {
                    if (e.hasStringValue()) {
                        split(e.getStringValue(), out);
                    }
                });
            case STRING_VALUE -> split(v.getStringValue(), out);
            default -> {
                // any other type names no endpoint: the hint is present and empty, so the request gets 503
            }
        }
        return Optional.of(new SubsetHint(out));
    }

    private static void split(String s, List<String> out) {
        for (String part : s.split(",")) {
            String p = part.strip();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
    }

    /** The endpoints the hint allows, in the pool's order. */
    List<Endpoint> filter(List<Endpoint> endpoints) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            for (String entry : entries) {
                if (matches(entry, e)) {
                    out.add(e);
                    break;
                }
            }
        }
        return out;
    }

    private static boolean matches(String entry, Endpoint e) {
        if (entry.equals(e.hostPort())) {
            return true;
        }
        String host = entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
        return host.equals(e.host());
    }
}
