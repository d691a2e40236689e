package io.infergate.gateway.picker;

import java.util.List;
import java.util.Objects;

/**
 * What an external endpoint picker decided for one request: a small closed set. Failures (picker unreachable, a
 * stream error, no decision in time, a malformed answer) are not decisions: the call's future completes
 * exceptionally, with an {@link ExternalPickerException} where the cause is known. Immutable.
 */
public sealed interface ExternalDecision {

    /**
     * Route the request.
     *
     * @param destination the {@code x-gateway-destination-endpoint} value as sent: an ordered, comma-separated list
     *                    of {@code ip:port}, not yet checked; may be empty (the gateway then applies the failure
     *                    mode)
     * @param setHeaders  the other request headers the picker set, to apply to the upstream request
     * @param body        the body to send upstream (the picker may have rewritten {@code model}), or null to send
     *                    the client's body unchanged
     */
    record Route(String destination, List<HeaderEntry> setHeaders, byte[] body) implements ExternalDecision {
        public Route {
            Objects.requireNonNull(destination, "destination");
            setHeaders = List.copyOf(setHeaders);
        }
    }

    /**
     * Answer the client without forwarding (ext_proc {@code ImmediateResponse}).
     *
     * @param status  the HTTP status the picker chose
     * @param message the picker's body text
     */
    record Immediate(int status, String message) implements ExternalDecision {
        public Immediate {
            Objects.requireNonNull(message, "message");
        }
    }
}
