package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

/** A shed request (429) tells its client when to come back; other refusals do not. */
class ErrorResponsesRetryAfterTest {

    private static FullHttpResponse response(ErrorCode code) {
        return ErrorResponses.of(UnpooledByteBufAllocator.DEFAULT, code, "m", "id", true);
    }

    @Test
    void a429CarriesRetryAfter() {
        FullHttpResponse shed = response(ErrorCode.SHED);
        try {
            assertThat(shed.status().code()).isEqualTo(429);
            assertThat(shed.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        } finally {
            shed.release();
        }
        FullHttpResponse none = response(ErrorCode.NO_ENDPOINT);
        try {
            assertThat(none.headers().contains(HttpHeaderNames.RETRY_AFTER)).isFalse();
        } finally {
            none.release();
        }
    }
}
