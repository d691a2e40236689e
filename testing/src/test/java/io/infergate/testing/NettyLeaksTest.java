package io.infergate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NettyLeaksTest {

    @Test
    void anUnreleasedBufferIsReported() {
        leakOne();
        List<String> seen = new ArrayList<>();
        // the report needs a garbage collection that finds the buffer: no bound of our own, Patience's default
        await().until(() -> {
            seen.addAll(NettyLeaks.collect());
            return !seen.isEmpty();
        });
        assertThat(seen.get(0)).startsWith("LEAK: ").contains("was not released");
    }

    @Test
    void releasedBuffersAreNotReported() {
        NettyLeaks.collect();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
        b.writeLong(1);
        b.release();
        assertThat(NettyLeaks.collect()).isEmpty();
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
        b.writeLong(42); // and never released
    }
}
