package io.infergate.gateway.picker;

import java.util.Objects;

/**
 * One HTTP header exchanged with an external endpoint picker: a lower-case name (pseudo-headers such as
 * {@code :path} included) and its value. Immutable.
 */
public record HeaderEntry(String name, String value) {
    public HeaderEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
