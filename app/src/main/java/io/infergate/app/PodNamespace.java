package io.infergate.app;

import java.util.Optional;

/** The namespace this process runs in: {@code $NAMESPACE} (set from the downward API by the Helm chart), else
 * {@code default}. Stateless. */
final class PodNamespace {

    private PodNamespace() {}

    /** {@code explicit} when given, else the pod's namespace. */
    static String or(String explicit) {
        return explicit != null
                ? explicit
                : Optional.ofNullable(System.getenv("NAMESPACE"))
                        .filter(s -> !s.isBlank())
                        .orElse("default");
    }
}
