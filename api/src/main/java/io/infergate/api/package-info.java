/**
 * Infergate's resource model and its loading: Kubernetes-shaped manifests (Gateway API, Inference Extension,
 * core endpoints) read from YAML or JSON with file and line kept, defaulted as the CRDs say, and validated.
 * Start with {@link io.infergate.api.Manifests#load(java.util.List)}; it returns a
 * {@link io.infergate.api.load.LoadResult} whose {@link io.infergate.api.model.ManifestSet} must not be served
 * when any {@link io.infergate.api.Problem} is an error.
 */
package io.infergate.api;
