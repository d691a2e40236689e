package io.infergate.api.validate;

import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Service;
import java.util.HashMap;
import java.util.Map;

/** Names, namespaces and labels of every object, and objects declared twice. */
final class MetadataRules {

    private MetadataRules() {}

    static void check(Reporter r) {
        Map<String, Resource> seen = new HashMap<>();
        for (Resource res : r.set().all()) {
            ObjectMeta m = res.metadata();
            if (!m.name().isEmpty()) {
                // Services become DNS labels in a cluster, so their names are the stricter RFC 1035 label
                String bad =
                        res instanceof Service ? Formats.dns1035Label(m.name()) : Formats.dns1123Subdomain(m.name());
                if (bad != null) {
                    r.error(res, "metadata.name", bad);
                }
                String key = res.group() + "|" + res.kind() + "|" + m.namespace() + "|" + m.name();
                Resource first = seen.putIfAbsent(key, res);
                if (first != null) {
                    r.error(
                            res,
                            "metadata.name",
                            res.kind() + " " + m.namespace() + "/" + m.name()
                                    + " is declared twice (first at "
                                    + first.origin().location()
                                    + "); expected: one object per kind, namespace and name");
                }
            }
            String badNs = Formats.dns1123Label(m.namespace());
            if (badNs != null) {
                r.error(res, "metadata.namespace", badNs);
            }
            for (Map.Entry<String, String> e : m.labels().entrySet()) {
                String path = "metadata.labels." + e.getKey();
                String badKey = Formats.labelKey(e.getKey());
                if (badKey != null) {
                    r.error(res, path, badKey);
                }
                String badValue = Formats.labelValue(e.getValue());
                if (badValue != null) {
                    r.error(res, path, badValue);
                }
            }
        }
    }
}
