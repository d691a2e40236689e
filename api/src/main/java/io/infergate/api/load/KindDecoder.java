package io.infergate.api.load;

import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.Resource;

/**
 * Decodes the body of one kind (everything but apiVersion, kind and metadata) from a strict reader, applying
 * the CRD defaults. Never throws on bad input: reports through the reader's context and fills placeholders.
 */
@FunctionalInterface
interface KindDecoder {
    Resource decode(Obj root, ObjectMeta meta, Origin origin);
}
