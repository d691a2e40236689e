package io.infergate.app;

import io.infergate.scheduler.admission.CriticalReserve;
import picocli.CommandLine.Option;

/**
 * The two flags that set flow control's {@link CriticalReserve}, shared by {@code serve} and {@code epp} as a picocli
 * mixin so that both commands take them with the same names, defaults and help. Filled by picocli on the main thread
 * before the command runs; {@link #reserve()} throws {@link IllegalArgumentException} for a value out of range.
 */
final class CriticalReserveOptions {

    @Option(
            names = "--flow-control-critical-reserve",
            defaultValue = "0.1",
            description = "Share of each endpoint's learned batch capacity that flow control keeps free for requests"
                    + " of a positive priority (Critical) while they arrive; 0 = none (default: ${DEFAULT-VALUE}).")
    double share;

    @Option(
            names = "--flow-control-reserve-prefills",
            defaultValue = "2",
            description = "While Critical requests arrive, requests of priority 0 and below are released to an"
                    + " endpoint only while fewer of ours than this are still prefilling on it; 0 = no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int prefills;

    /** The reserve the flags describe. */
    CriticalReserve reserve() {
        return new CriticalReserve(share, prefills);
    }
}
