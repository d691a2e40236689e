package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

    private static final String JSON_BODY = "{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
            + "\"usage\":{\"prompt_tokens\": 31,\"completion_tokens\":8,\"total_tokens\":39}}";

    /** An SSE stream without usage, padded past one scratch copy so that events straddle the copies. */
    private static String stream() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            b.append("data: {\"choices\":[{\"delta\":{\"content\":\"tok")
                    .append(i)
                    .append("\"}}]}\n\n");
        }
        b.append("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: [DONE]\n\n");
        return b.toString();
    }

    private static TokenCounter counted(String body, int chunk, Function<byte[], ByteBuf> wrap) {
        TokenCounter counter = new TokenCounter();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < bytes.length; from += chunk) {
            byte[] part = new byte[Math.min(chunk, bytes.length - from)];
            System.arraycopy(bytes, from, part, 0, part.length);
            ByteBuf buf = wrap.apply(part);
            try {
                counter.feed(buf);
            } finally {
                buf.release();
            }
        }
        return counter;
    }

    private static ByteBuf direct(byte[] bytes) {
        ByteBuf buf = Unpooled.directBuffer(bytes.length + 8);
        buf.writeZero(3).skipBytes(3); // a reader index that is not 0
        return buf.writeBytes(bytes);
    }

    @Test
    void usageIsReadFromHeapAndDirectBuffersWholeOrInAnyChunks() {
        for (int chunk : new int[] {1, 2, 7, 64, JSON_BODY.length()}) {
            for (Function<byte[], ByteBuf> wrap :
                    List.<Function<byte[], ByteBuf>>of(Unpooled::wrappedBuffer, TokenCounterTest::direct)) {
                TokenCounter c = counted(JSON_BODY, chunk, wrap);
                assertThat(c.promptTokens()).as("chunk %d", chunk).isEqualTo(31);
                assertThat(c.completionTokens()).as("chunk %d", chunk).isEqualTo(8);
            }
        }
    }

    @Test
    void contentEventsAreCountedAcrossScratchCopiesOfALargeDirectBuffer() {
        String body = stream();
        assertThat(body.length()).isGreaterThan(3 * 2048);
        for (int chunk : new int[] {body.length(), 5000, 1}) {
            TokenCounter c = counted(body, chunk, TokenCounterTest::direct);
            assertThat(c.completionTokens()).as("chunk %d", chunk).isEqualTo(300);
            assertThat(c.promptTokens()).isEqualTo(-1);
        }
    }
}
