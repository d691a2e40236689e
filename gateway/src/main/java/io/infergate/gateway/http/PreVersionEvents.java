package io.infergate.gateway.http;

import io.infergate.gateway.proxy.DrainEvent;
import io.netty.handler.timeout.IdleStateEvent;

/** Events that close a connection whose HTTP version is not known yet: it has no request to finish. */
final class PreVersionEvents {

    private PreVersionEvents() {}

    static boolean closesConnection(Object evt) {
        return evt instanceof IdleStateEvent || evt == DrainEvent.INSTANCE;
    }
}
