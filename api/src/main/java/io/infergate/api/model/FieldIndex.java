package io.infergate.api.model;

import io.infergate.api.Location;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where each field of one loaded object was written: field path ({@code spec.targetPorts[1].number}) to the
 * position of its value. Immutable once built. Lets the validator point at a line although the model records
 * themselves carry no positions.
 */
public final class FieldIndex {

    private final Location documentStart;
    private final Map<String, Location> byPath;

    public FieldIndex(Location documentStart, Map<String, Location> byPath) {
        this.documentStart = Objects.requireNonNull(documentStart, "documentStart");
        this.byPath = Collections.unmodifiableMap(new HashMap<>(byPath));
    }

    /**
     * The position of {@code path}, or of its closest written ancestor (a missing field is reported where its
     * parent is), or the document start.
     */
    public Location locate(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Location l = byPath.get(p);
            if (l != null) {
                return l;
            }
            p = parent(p);
        }
        return documentStart;
    }

    /** Whether the manifest wrote this exact field (as opposed to a default filling it in). */
    public boolean isWritten(String path) {
        return byPath.containsKey(path);
    }

    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
