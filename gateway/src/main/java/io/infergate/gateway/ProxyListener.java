package io.infergate.gateway;

/**
 * Observes finished requests (access log, metrics). {@link #onComplete} is called exactly once per HTTP request
 * the gateway answered or gave up on, on the event loop of the client connection: it must not block, and an
 * exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ProxyListener {

    void onComplete(RequestRecord record);

    ProxyListener NONE = r -> {};
}
