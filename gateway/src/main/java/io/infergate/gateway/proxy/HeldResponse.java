package io.infergate.gateway.proxy;

import io.infergate.gateway.picker.HeaderEntry;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The upstream events held while the external picker sees the response headers: the response itself, the
 * messages that followed, and whether a read batch ended or the connection closed meanwhile, so the exchange
 * can replay them in order once the picker answered (a close is judged after the messages, which may hold the
 * whole response).
 *
 * <p>One per exchange and picker call, on the exchange's event loop. Owns the held messages until
 * {@link #replay} hands them on or {@link #release} drops them.
 */
final class HeldResponse {

    private final HttpResponse response;
    private final ArrayDeque<Object> rest = new ArrayDeque<>(4);
    private boolean readComplete;
    private boolean closed;
    private Throwable closeCause;

    HeldResponse(HttpResponse response) {
        this.response = response;
    }

    /** The final response whose headers went to the picker (also the first body chunk when it is full). */
    HttpResponse response() {
        return response;
    }

    /** The response's status and headers as the picker's protocol has them: {@code :status} first, names lower case. */
    List<HeaderEntry> headers() {
        List<HeaderEntry> headers = new ArrayList<>(response.headers().size() + 1);
        headers.add(
                new HeaderEntry(":status", Integer.toString(response.status().code())));
        for (Map.Entry<String, String> e : response.headers()) {
            headers.add(new HeaderEntry(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        }
        return headers;
    }

    void add(Object msg) {
        rest.add(msg);
    }

    void readComplete() {
        readComplete = true;
    }

    void closed(Throwable cause) {
        closed = true;
        closeCause = cause;
    }

    /** Hands on what followed the response, in order: the messages, then the end of the read batch, the close. */
    void replay(Consumer<Object> message, Runnable batchEnd, Consumer<Throwable> close) {
        Object m;
        while ((m = rest.poll()) != null) {
            message.accept(m);
        }
        if (readComplete) {
            batchEnd.run();
        }
        if (closed) {
            close.accept(closeCause);
        }
    }

    /** Drops everything held: the exchange ended before the picker answered. */
    void release() {
        ReferenceCountUtil.release(response);
        rest.forEach(ReferenceCountUtil::release);
        rest.clear();
    }
}
