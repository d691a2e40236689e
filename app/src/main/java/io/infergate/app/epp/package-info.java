/**
 * The wiring behind {@code infergate epp}: {@link io.infergate.app.epp.EppLauncher} builds the picker's
 * {@link io.infergate.extproc.server.EppState}, feeds it from manifest files
 * ({@link io.infergate.app.serve.ConfigReloader}) or from the cluster ({@link io.infergate.kubernetes.ClusterMode})
 * and binds the {@link io.infergate.extproc.server.EppServer}; {@link io.infergate.app.epp.EppRuntime} holds what was started
 * and closes it in reverse order.
 *
 * <p>Threading: runs on the command's thread or a shutdown hook and blocks; never on a gRPC thread. Depends on
 * {@code extproc}, {@code gateway} (scheduling options), {@code kubernetes} and {@code scheduler}.
 */
package io.infergate.app.epp;
