package io.infergate.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Immutable copies that keep document order (Map.copyOf would not), so messages and output are stable. */
final class Copies {

    private Copies() {}

    static <K, V> Map<K, V> map(Map<K, V> m, String what) {
        Objects.requireNonNull(m, what);
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    static <T> List<T> list(List<T> l, String what) {
        Objects.requireNonNull(l, what);
        return List.copyOf(l);
    }

    static String str(String s, String what) {
        return Objects.requireNonNull(s, what);
    }
}
