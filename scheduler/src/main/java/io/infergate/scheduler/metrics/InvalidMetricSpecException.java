package io.infergate.scheduler.metrics;

/**
 * A metric spec string that is not a PromQL instant-vector selector {@code name{label=value,...}}. The message
 * quotes the spec, says where it went wrong and what was expected there.
 */
public final class InvalidMetricSpecException extends IllegalArgumentException {

    public InvalidMetricSpecException(String message) {
        super(message);
    }
}
