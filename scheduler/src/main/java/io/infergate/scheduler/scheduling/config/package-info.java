/**
 * From a loaded EndpointPickerConfig to the runtime the scheduler uses: {@link
 * io.infergate.scheduler.scheduling.config.PluginRegistry} maps GIE's plugin type names to factories,
 * {@link io.infergate.scheduler.scheduling.config.SchedulerSetupFactory} applies GIE's defaulting (v1.5.0
 * {@code pkg/epp/config/loader/defaults.go}) and wires the plugins into a {@link
 * io.infergate.scheduler.scheduling.config.SchedulerSetup}: the scheduling profile, the prefix hasher and index, the
 * saturation detector, flow control, the metrics source and the metrics extractor ({@code core-metrics-extractor}).
 * {@link io.infergate.scheduler.scheduling.config.PoolSchedulingResolver} decides, per InferencePool of a manifest set,
 * which configuration applies (a built-in profile, an EndpointPickerConfig document, or one held in a ConfigMap) and
 * whether flow control is on. The configuration is compiled once, on the control plane; nothing is re-parsed per
 * request.
 *
 * <p>Problems (unsupported plugin types, bad parameters, defaults that surprise) are
 * {@link io.infergate.api.Problem}s with file, line and field path, like the loader's; nothing here throws on bad
 * input.
 */
package io.infergate.scheduler.scheduling.config;
