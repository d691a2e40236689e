package io.infergate.api.model;

import io.infergate.api.Location;
import java.util.Objects;

/**
 * Where an object came from: the start of its document and the document's position among all documents of
 * one load (files in the order given, documents in file order). The sequence is what "oldest wins" falls back
 * to when objects carry no {@code metadata.creationTimestamp}.
 *
 * @param location start of the object's document
 * @param sequence 0-based index of the document across the whole load
 */
public record Origin(Location location, int sequence) {

    public Origin {
        Objects.requireNonNull(location, "location");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 0)");
        }
    }
}
