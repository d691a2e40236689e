package io.infergate.gateway.proxy;

/**
 * Fired into every client connection's pipeline when the gateway starts shutting down: idle connections close at
 * once, busy ones after their current response.
 */
public final class DrainEvent {
    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {}
}
