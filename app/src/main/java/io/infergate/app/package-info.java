/**
 * The {@code infergate} command line (picocli): {@link io.infergate.app.Main} and one command class per job,
 * {@code serve} ({@link io.infergate.app.ServeCommand}), {@code epp} ({@link io.infergate.app.EppCommand}),
 * {@code sim} ({@link io.infergate.app.SimCommand}), {@code bench} ({@link io.infergate.app.BenchCommand} and its
 * subcommands) and {@code validate} ({@link io.infergate.app.ValidateCommand}). Commands check their options, print
 * usage errors with exit status 2, and hand over to the wiring in {@code io.infergate.app.serve} and
 * {@code io.infergate.app.epp}; the other modules never see picocli.
 *
 * <p>Threading: every command runs on the main thread and blocks (starting servers, waiting for Ctrl-C, running a
 * benchmark); what it starts runs on that component's own threads. Depends on every other module; see
 * {@code docs/architecture.md}.
 */
package io.infergate.app;
