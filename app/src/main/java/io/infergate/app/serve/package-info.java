/**
 * The wiring behind {@code infergate serve}: {@link io.infergate.app.serve.ServeLauncher} starts the gateway,
 * admin listener and {@link io.infergate.app.serve.ConfigReloader} (or the
 * {@link io.infergate.app.serve.EmbeddedDefault} replicas first); {@link io.infergate.app.serve.ServeRuntime}
 * holds them and shuts them down in draining order. All of it runs on the command's thread, the reload thread
 * or a shutdown hook, never on an event loop.
 */
package io.infergate.app.serve;
