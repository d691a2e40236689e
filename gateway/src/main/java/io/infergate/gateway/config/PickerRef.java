package io.infergate.gateway.config;

import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Service;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which endpoint picker serves an InferencePool, resolved once per configuration from its
 * {@code endpointPickerRef} ({@link #resolve}). A small closed set, like the picker's own results:
 * <ul>
 *   <li>{@link BuiltIn}: the gateway's in-process picker. No reference, a reference of group
 *       {@value #BUILT_IN_GROUP} and kind {@value #BUILT_IN_KIND} (any name), or, when
 *       {@link GatewayConfig.Options#missingPickerServiceIsBuiltIn()} is on (standalone files), a Service
 *       reference whose Service is not declared: the GIE quick-start manifests name an EPP Service that standalone
 *       files do not declare, and they keep working with the in-process picker.</li>
 *   <li>{@link External}: a declared Service (group {@code ""}, kind {@code Service}): the picker is called over
 *       Envoy ext_proc at that Service port's ready endpoints (Service port to target port, as for Service
 *       backends). In standalone files that is a Service plus an EndpointSlice or Pod carrying the picker's
 *       address, for example 127.0.0.1.</li>
 *   <li>{@link Invalid}: anything else (another kind, a Service reference without a port, a missing Service in
 *       cluster mode); requests then follow the reference's failure mode.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public sealed interface PickerRef {

    /** The group of a reference that names the in-process picker explicitly. */
    String BUILT_IN_GROUP = "infergate.io";
    /** The kind of a reference that names the in-process picker explicitly. */
    String BUILT_IN_KIND = "EndpointPicker";
    /**
     * The InferencePool annotation that chooses how an external picker is reached: TLS without certificate
     * verification by default (the reference EPP serves a self-signed certificate), plaintext HTTP/2 (h2c) with
     * {@code "false"}.
     */
    String TLS_ANNOTATION = "infergate.io/endpoint-picker-tls";

    /** The in-process picker. */
    record BuiltIn() implements PickerRef {
        public static final BuiltIn INSTANCE = new BuiltIn();
    }

    /**
     * An external picker reached over ext_proc.
     *
     * @param name        {@code namespace/service:port}, for messages and logs
     * @param addresses   the Service port's ready endpoints (may be empty: every request then fails over)
     * @param tls         TLS without verification, else h2c
     * @param failureMode what to do when the picker cannot decide
     */
    record External(String name, List<InetSocketAddress> addresses, boolean tls, InferencePool.FailureMode failureMode)
            implements PickerRef {
        public External {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(failureMode, "failureMode");
        }
    }

    /**
     * A reference that cannot be followed.
     *
     * @param reason what is wrong, for the 5xx message and logs
     */
    record Invalid(String reason, InferencePool.FailureMode failureMode) implements PickerRef {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(failureMode, "failureMode");
        }
    }

    /**
     * Resolves a pool's reference against the set it was declared in. Control plane; never throws for a bad
     * reference (it becomes {@link Invalid}).
     *
     * @param missingServiceIsBuiltIn whether a Service reference to an undeclared Service means the in-process
     *                                picker (standalone) rather than {@link Invalid} (cluster)
     */
    static PickerRef resolve(ManifestSet set, InferencePool pool, boolean missingServiceIsBuiltIn) {
        Optional<InferencePool.EndpointPickerRef> maybe = pool.endpointPicker();
        if (maybe.isEmpty()) {
            return BuiltIn.INSTANCE;
        }
        InferencePool.EndpointPickerRef ref = maybe.get();
        if (BUILT_IN_GROUP.equals(ref.group()) && BUILT_IN_KIND.equals(ref.kind())) {
            return BuiltIn.INSTANCE;
        }
        String ns = pool.metadata().namespace();
        if (!ref.isService()) {
            return new Invalid(
                    "endpointPickerRef of InferencePool " + ns + "/"
                            + pool.metadata().name()
                            + " names " + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind() + " "
                            + ref.name()
                            + " (expected: a Service, or group " + BUILT_IN_GROUP + " kind " + BUILT_IN_KIND + ")",
                    ref.failureMode());
        }
        Optional<Service> svc = set.service(ns, ref.name());
        if (svc.isEmpty()) {
            return missingServiceIsBuiltIn
                    ? BuiltIn.INSTANCE
                    : new Invalid(
                            "Service " + ns + "/" + ref.name()
                                    + " named by the endpointPickerRef of InferencePool " + ns + "/"
                                    + pool.metadata().name()
                                    + " does not exist",
                            ref.failureMode());
        }
        if (ref.port().isEmpty()) {
            return new Invalid(
                    "endpointPickerRef of InferencePool " + ns + "/"
                            + pool.metadata().name() + " has no port (expected: the Service port of " + ref.name()
                            + ")",
                    ref.failureMode());
        }
        int port = ref.port().getAsInt();
        Optional<Service.Port> p = svc.get().port(port);
        if (p.isEmpty()) {
            return new Invalid(
                    "Service " + ns + "/" + ref.name() + " has no port " + port
                            + " (named by the endpointPickerRef of InferencePool " + ns + "/"
                            + pool.metadata().name() + ")",
                    ref.failureMode());
        }
        if ("ExternalName".equals(svc.get().type())) {
            return new Invalid(
                    "Service " + ns + "/" + ref.name() + " is an ExternalName Service, which an"
                            + " endpointPickerRef must not name",
                    ref.failureMode());
        }
        String tls = pool.metadata().annotations().get(TLS_ANNOTATION);
        boolean useTls = tls == null || !"false".equals(tls.strip().toLowerCase(Locale.ROOT));
        return new External(
                ns + "/" + ref.name() + ":" + port,
                GatewayConfig.serviceEndpoints(set, svc.get(), p.get()),
                useTls,
                ref.failureMode());
    }
}
