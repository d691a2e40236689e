package io.infergate.api.load;

import io.infergate.api.model.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** Reads {@code metadata}: the fields Infergate uses, plus the bookkeeping ones kubectl emits (ignored). */
final class MetaDecoder {

    private MetaDecoder() {}

    static ObjectMeta decode(Obj root) {
        Optional<Obj> meta = root.requiredObject("metadata");
        if (meta.isEmpty()) {
            return new ObjectMeta("", ObjectMeta.DEFAULT_NAMESPACE, Map.of(), Map.of(), Optional.empty());
        }
        Obj m = meta.get();
        String name = m.requiredString("name");
        String namespace = m.string("namespace").orElse(ObjectMeta.DEFAULT_NAMESPACE);
        Map<String, String> labels = m.stringMap("labels");
        Map<String, String> annotations = m.stringMap("annotations");
        Optional<Instant> created = Optional.empty();
        Optional<String> ts = m.string("creationTimestamp");
        if (ts.isPresent()) {
            try {
                created = Optional.of(Instant.parse(ts.get()));
            } catch (DateTimeParseException e) {
                m.ctx()
                        .error(
                                m.raw("creationTimestamp"),
                                m.path("creationTimestamp"),
                                "\"" + ts.get()
                                        + "\" is not a timestamp (expected: RFC 3339, e.g. 2025-01-31T12:00:00Z)");
            }
        }
        // written by the API server or kubectl; meaningless for a file, accepted so `kubectl get -o yaml` loads
        m.ignore(
                "uid",
                "resourceVersion",
                "generation",
                "managedFields",
                "selfLink",
                "ownerReferences",
                "finalizers",
                "generateName",
                "deletionTimestamp",
                "deletionGracePeriodSeconds");
        m.finish();
        return new ObjectMeta(name, namespace, labels, annotations, created);
    }
}
