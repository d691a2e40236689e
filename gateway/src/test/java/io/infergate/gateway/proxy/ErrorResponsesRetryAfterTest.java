package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refusal that means "not now" (a 429, a queue timeout, an overloaded gateway) tells its client when to come back;
 * refusals that last until someone acts (no ready endpoint) and client errors do not.
 */
class ErrorResponsesRetryAfterTest {

    private static FullHttpResponse response(ErrorCode code) {
        return ErrorResponses.of(UnpooledByteBufAllocator.DEFAULT, code, "m", "id", true);
    }

    @Test
    void a429AndTheBusy503sCarryRetryAfter() {
        FullHttpResponse shed = response(ErrorCode.SHED);
        try {
            assertThat(shed.status().code()).isEqualTo(429);
            assertThat(shed.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        } finally {
            shed.release();
        }
        for (ErrorCode busy : List.of(ErrorCode.QUEUE_TIMEOUT, ErrorCode.OVERLOADED)) {
            FullHttpResponse r = response(busy);
            try {
                assertThat(r.status().code()).isEqualTo(503);
                assertThat(r.headers().get(HttpHeaderNames.RETRY_AFTER))
                        .as("%s", busy)
                        .isEqualTo("1");
            } finally {
                r.release();
            }
        }
        FullHttpResponse none = response(ErrorCode.NO_ENDPOINT);
        try {
            assertThat(none.headers().contains(HttpHeaderNames.RETRY_AFTER)).isFalse();
        } finally {
            none.release();
        }
    }
}
