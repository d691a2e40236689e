/**
 * Cluster mode: the Inference Extension and Gateway API objects read from the Kubernetes API server instead of files.
 *
 * <ul>
 * <li>{@link io.infergate.kubernetes.ClusterMode}: the facade the application wires (watch, status, leader
 * election, readiness).</li>
 * <li>{@link io.infergate.kubernetes.ClusterWatch}: fabric8 informers whose cache is loaded, as text, by the same
 * {@code ManifestLoader} as files; what is watched is a {@link io.infergate.kubernetes.WatchScope}.</li>
 * <li>{@link io.infergate.kubernetes.StatusWriter}: InferencePool parents and InferenceModel acceptance.</li>
 * <li>{@link io.infergate.kubernetes.LeaderElection}: active-passive over a Lease.</li>
 * </ul>
 * See {@code docs/kubernetes.md}.
 */
package io.infergate.kubernetes;
