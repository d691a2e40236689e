package io.infergate.gateway.proxy;

import io.infergate.scheduler.openai.ModelNameRestorer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Feeds response body chunks through a {@link ModelNameRestorer} into new buffers: pass-through ranges are copied
 * from the input buffer, inserted bytes come from the restorer. One per exchange, on its event loop; the input
 * buffer stays owned by the caller, the result is the caller's to release.
 */
final class RestoringSink implements ModelNameRestorer.Sink {

    private final ModelNameRestorer restorer;
    private final ByteBufAllocator alloc;
    private ByteBuf in;
    private ByteBuf out;
    private int base;

    RestoringSink(ModelNameRestorer restorer, ByteBufAllocator alloc) {
        this.restorer = restorer;
        this.alloc = alloc;
    }

    /** The restored form of {@code content}; with {@code last}, also whatever the restorer still held. */
    ByteBuf restore(ByteBuf content, boolean last) {
        out = alloc.buffer(content.readableBytes() + restorer.client().tokenLength());
        in = content;
        ByteBuffer nio = content.nioBuffer();
        base = content.readerIndex() - nio.position();
        restorer.feed(nio, this);
        if (last) {
            restorer.finish(this);
        }
        in = null;
        ByteBuf result = out;
        out = null;
        return result;
    }

    /** What the restorer still held (a possible model-name prefix), for a stream that ends early. */
    ByteBuf finish() {
        out = alloc.buffer(restorer.heldBytes() + 1);
        restorer.finish(this);
        ByteBuf result = out;
        out = null;
        return result;
    }

    @Override
    public void passThrough(ByteBuffer chunk, int from, int to) {
        out.writeBytes(in, base + from, to - from);
    }

    @Override
    public void insert(byte[] bytes, int offset, int length) {
        out.writeBytes(bytes, offset, length);
    }
}
