/**
 * Validation of a loaded {@link io.infergate.api.model.ManifestSet}: the CRD rules of the Inference Extension and
 * Gateway API v1 (ranges, formats, list limits, CEL rules, with the CRDs' own messages where they have one) and
 * the references between objects.
 */
package io.infergate.api.validate;
