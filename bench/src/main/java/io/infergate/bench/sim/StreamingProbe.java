package io.infergate.bench.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A closed-loop streaming load: {@code streams} keep-alive connections, each sending one streaming
 * completion after another (connections spread over the targets), measuring time to first token and the gap
 * between consecutive tokens as the client receives them.
 *
 * <p>Built on one Netty event loop that only counts SSE event boundaries ({@code "\n\n"}) and timestamps
 * them, so the client costs far less CPU than the server it measures, which matters when both share two
 * cores. Each event before {@code data: [DONE]} carries one token (completions stream one token per event
 * and, without {@code include_usage}, no other events). Requests that fail are counted, never retried.
 * {@link #run} blocks for the warm-up plus the measured duration, plus the time the last streams take to end.
 *
 * @param targets      base URLs such as {@code http://127.0.0.1:8000}
 * @param model        the {@code model} to request
 * @param streams      concurrent streams (one connection each)
 * @param promptChars  prompt length in characters (about 4 per token)
 * @param outputTokens tokens per request ({@code max_tokens} with {@code ignore_eos})
 */
public record StreamingProbe(
        List<URI> targets,
        String model,
        int streams,
        int promptChars,
        int outputTokens,
        Duration warmup,
        Duration duration) {

    public StreamingProbe {
        targets = targets.stream().map(StreamingProbe::withPort).toList();
        if (targets.isEmpty() || streams < 1 || promptChars < 1 || outputTokens < 2) {
            throw new IllegalArgumentException("targets " + targets.size() + ", streams " + streams + ", promptChars "
                    + promptChars + ", outputTokens " + outputTokens + " (expected: >= 1, >= 1, >= 1, >= 2)");
        }
    }

    /** Client-side measurements over the measured window (warm-up excluded), in microseconds. */
    public record Result(
            Histogram ttftMicros, Histogram itlMicros, long completed, long failed, long tokens, double seconds) {}

    public Result run() throws InterruptedException {
        Recorder ttft = new Recorder(3);
        Recorder itl = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        byte[] body = requestBody().getBytes(StandardCharsets.UTF_8);
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        CountDownLatch done = new CountDownLatch(streams);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            for (int s = 0; s < streams; s++) {
                URI target = targets.get(s % targets.size());
                Window window = new Window(measureFrom, end, ttft, itl, completed, failed, tokens, done);
                Bootstrap b = new Bootstrap()
                        .group(group)
                        .channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline()
                                        .addLast(
                                                new HttpClientCodec(),
                                                new StreamHandler(request(target, body), outputTokens, window));
                            }
                        });
                b.connect(target.getHost(), target.getPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        failed.incrementAndGet();
                        done.countDown();
                    }
                });
            }
            done.await();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return new Result(
                ttft.getIntervalHistogram(),
                itl.getIntervalHistogram(),
                completed.get(),
                failed.get(),
                tokens.get(),
                duration.toNanos() / 1e9);
    }

    private record Window(
            long measureFrom,
            long end,
            Recorder ttft,
            Recorder itl,
            AtomicLong completed,
            AtomicLong failed,
            AtomicLong tokens,
            CountDownLatch done) {}

    /** One connection: sends, timestamps event boundaries, records, sends again until the window closes. */
    private static final class StreamHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final FullHttpRequest template;
        private final Window w;
        private long[] times;
        private int events;
        private long sent;
        private boolean lastWasNewline;
        private boolean ok;
        private boolean finished;

        StreamHandler(FullHttpRequest template, int outputTokens, Window w) {
            this.template = template;
            this.w = w;
            this.times = new long[outputTokens + 4];
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx.channel());
        }

        private void send(Channel ch) {
            events = 0;
            lastWasNewline = false;
            sent = System.nanoTime();
            ch.writeAndFlush(template.retainedDuplicate());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                ok = r.status().code() == 200;
            }
            if (msg instanceof HttpContent c) {
                countBoundaries(c.content(), System.nanoTime());
            }
            if (msg instanceof LastHttpContent) {
                complete(ctx.channel());
            }
        }

        private void countBoundaries(ByteBuf buf, long now) {
            for (int i = buf.readerIndex(), n = buf.writerIndex(); i < n; i++) {
                boolean newline = buf.getByte(i) == '\n';
                if (newline && lastWasNewline) {
                    if (events == times.length) {
                        times = Arrays.copyOf(times, events * 2);
                    }
                    times[events++] = now;
                    newline = false; // a third newline does not end another event
                }
                lastWasNewline = newline;
            }
        }

        private void complete(Channel ch) {
            long now = System.nanoTime();
            int tokens = events - 1; // the last event is [DONE]
            if (!ok || tokens < 1) {
                w.failed.incrementAndGet();
            } else if (now >= w.measureFrom) {
                w.completed.incrementAndGet();
                w.tokens.addAndGet(tokens);
            }
            if (ok && tokens >= 1) {
                if (times[0] >= w.measureFrom && times[0] < w.end) {
                    w.ttft.recordValue((times[0] - sent) / 1000);
                }
                for (int i = 1; i < tokens; i++) {
                    if (times[i] >= w.measureFrom && times[i] < w.end) {
                        w.itl.recordValue((times[i] - times[i - 1]) / 1000);
                    }
                }
            }
            if (now < w.end) {
                send(ch);
            } else {
                finish(ch);
            }
        }

        private void finish(Channel ch) {
            if (!finished) {
                finished = true;
                w.done.countDown();
                ch.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished) {
                w.failed.incrementAndGet(); // the server closed mid-stream
                finish(ctx.channel());
            }
            template.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Checks a target is {@code http://host[:port]} and spells out the default port 80. */
    private static URI withPort(URI target) {
        if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("target: '" + target + "' (expected: http://HOST[:PORT])");
        }
        return target.getPort() > 0 ? target : URI.create("http://" + target.getHost() + ":80");
    }

    private static FullHttpRequest request(URI target, byte[] body) {
        FullHttpRequest r = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/completions", Unpooled.wrappedBuffer(body));
        r.headers()
                .set(HttpHeaderNames.HOST, target.getHost() + ":" + target.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    private String requestBody() {
        ObjectNode b = JsonMapper.shared().createObjectNode();
        b.put("model", model);
        StringBuilder prompt = new StringBuilder(promptChars);
        String words = "the quick brown fox jumps over a lazy dog while the gateway routes every token ";
        while (prompt.length() < promptChars) {
            prompt.append(words, 0, Math.min(words.length(), promptChars - prompt.length()));
        }
        b.put("prompt", prompt.toString());
        b.put("max_tokens", outputTokens);
        b.put("ignore_eos", true);
        b.put("stream", true);
        return JsonMapper.shared().writeValueAsString(b);
    }
}
