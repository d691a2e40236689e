package io.infergate.gateway.http;

import io.infergate.gateway.proxy.DrainEvent;
import io.infergate.gateway.proxy.HeaderDeadline;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Events that close a connection whose HTTP version is not known yet (no TLS handshake or preface completed in
 * time, idle, draining): it has no request to finish.
 */
final class PreVersionEvents {

    private PreVersionEvents() {}

    static boolean closesConnection(Object evt) {
        return evt instanceof IdleStateEvent || evt == DrainEvent.INSTANCE || evt == HeaderDeadline.Expired.INSTANCE;
    }
}
