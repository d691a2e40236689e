package io.infergate.api.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Manifest spelling to enum constant, in declaration order (so "expected one of" lists read naturally). */
final class Spellings {

    private Spellings() {}

    static <E extends Enum<E>> Map<String, E> of(E[] values, Function<E, String> yaml) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E e : values) {
            m.put(yaml.apply(e), e);
        }
        return m;
    }
}
