/**
 * Immutable records for the objects Infergate serves from, with CRD defaults already applied. Records check only
 * structural invariants (non-null, immutable copies); range, format and reference rules live in
 * {@link io.infergate.api.validate.ManifestValidator}, which reports them with file and line instead of throwing.
 * Field positions are kept beside the records ({@link io.infergate.api.model.FieldIndex}), not in them, so two
 * objects with equal content compare equal wherever they were written.
 */
package io.infergate.api.model;
