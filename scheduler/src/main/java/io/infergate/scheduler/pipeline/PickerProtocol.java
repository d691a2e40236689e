package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.pick.Endpoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The endpoint picker protocol's names, body chunk limit and endpoint list, written once for both sides: {@code epp}
 * writes the list it picked, {@code serve} reads the list an external picker answered (GIE
 * {@code docs/proposals/004-endpoint-picker-protocol/README.md}). The list is an ordered, comma-separated
 * {@code ip:port} list (IPv6 in brackets), each entry spelled as {@link Endpoint#hostPort()} spells it.
 *
 * <p>Stateless; any thread; never blocks. Bad input to {@link #parseDestinations} is an
 * {@link IllegalArgumentException} naming the entry.
 */
public final class PickerProtocol {

    /** The header (and {@link #LB_NAMESPACE} metadata key) carrying the picked endpoints, preferred first. */
    public static final String DESTINATION_ENDPOINT = "x-gateway-destination-endpoint";
    /** The metadata key in which the data plane reports the endpoint that actually served. */
    public static final String DESTINATION_ENDPOINT_SERVED = "x-gateway-destination-endpoint-served";
    /** The metadata key of the data plane's subset hint (the endpoints the picker may choose from). */
    public static final String DESTINATION_ENDPOINT_SUBSET = "x-gateway-destination-endpoint-subset";
    /** The dynamic-metadata namespace of {@link #DESTINATION_ENDPOINT} and {@link #DESTINATION_ENDPOINT_SERVED}. */
    public static final String LB_NAMESPACE = "envoy.lb";
    /** The metadata namespace of {@link #DESTINATION_ENDPOINT_SUBSET}. */
    public static final String SUBSET_HINT_NAMESPACE = "envoy.lb.subset_hint";

    /**
     * The largest body chunk either side sends: "certain envoy implementations set a max limit of 64Kb per streamed
     * chunk" (the reference picker's {@code BodyByteLimit}).
     */
    public static final int BODY_CHUNK_LIMIT = 62_000;

    private PickerProtocol() {}

    /** The first {@code max} of {@code ranked} as the header value. */
    public static String formatDestinations(List<Endpoint> ranked, int max) {
        StringBuilder out = new StringBuilder();
        int n = Math.min(max, ranked.size());
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(ranked.get(i).hostPort());
        }
        return out.toString();
    }

    /**
     * The entries of a header value, in order and without duplicates; empty for a blank value.
     *
     * @throws IllegalArgumentException for an entry that is not {@code host:port} with a port in 1..65535
     */
    public static List<String> parseDestinations(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                if (value.isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("empty entry");
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: ip:port)");
            }
            String host = entry.substring(0, colon);
            if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: an IPv6 address in brackets)");
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: a numeric port)");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: a port in 1..65535)");
            }
            out.add(host + ":" + port);
        }
        return List.copyOf(out);
    }
}
