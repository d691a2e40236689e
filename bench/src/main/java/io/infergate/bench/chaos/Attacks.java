package io.infergate.bench.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile clients that hold a gateway's resources: connections trickling header bytes (slowloris), requests whose
 * declared body never comes (HTTP/1.1 {@code Content-Length}, h2c {@code HEADERS} without {@code DATA}). Each
 * attack runs on virtual threads of its own until {@link Held#close}, which closes every socket it opened. The
 * gateway's answers are counted, not judged: how many connections it closed, how many h2 streams it reset.
 *
 * <p>Connection failures are counted too ({@link Held#refused}); nothing here throws once the attack is running.
 */
public final class Attacks {

    private Attacks() {}

    /** A running attack. {@link #close} is idempotent and may be called from any thread. */
    public static final class Held implements AutoCloseable {
        private final String name;
        private final List<Socket> sockets = new ArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicInteger closedByPeer = new AtomicInteger();
        private final AtomicInteger resets = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        Held(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** Connections that could not be opened. */
        public int refused() {
            return refused.get();
        }

        /**
         * Connections that ended on the server side while the attack held them: closed or answered by the gateway,
         * or reset (which the kernel also does when the gateway does not accept fast enough).
         */
        public int closedByPeer() {
            return closedByPeer.get();
        }

        /** h2 streams the gateway reset ({@code RST_STREAM}), and {@code GOAWAY}s. */
        public int resets() {
            return resets.get();
        }

        synchronized Socket open(InetSocketAddress target) {
            if (closed.get()) {
                return null;
            }
            Socket s = new Socket();
            try {
                s.connect(target, 5_000);
                sockets.add(s);
                return s;
            } catch (IOException e) {
                refused.incrementAndGet();
                closeQuietly(s);
                return null;
            }
        }

        void thread(Runnable r) {
            threads.add(Thread.ofVirtual().start(r));
        }

        boolean running() {
            return !closed.get();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            synchronized (this) {
                sockets.forEach(Attacks::closeQuietly);
            }
            for (Thread t : threads) {
                t.interrupt();
            }
        }
    }

    /**
     * Slowloris: {@code connections} connections, each sending a request line and then one header byte every
     * {@code byteIntervalMillis}, never the blank line that ends the headers.
     */
    public static Held slowloris(InetSocketAddress target, int connections, long byteIntervalMillis) {
        Held held = new Held("slowloris");
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < connections && held.running(); i++) {
            Socket s = held.open(target);
            if (s != null
                    && write(
                            s,
                            "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    .getBytes(StandardCharsets.US_ASCII))) {
                open.add(s);
            } else if (s != null) {
                held.closedByPeer.incrementAndGet();
            }
        }
        byte[] trickle =
                "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
        held.thread(() -> {
            int k = 0;
            List<Socket> alive = new ArrayList<>(open);
            while (held.running() && !alive.isEmpty()) {
                byte[] one = {trickle[k++ % trickle.length]};
                alive.removeIf(s -> {
                    if (write(s, one) && !peerClosed(s)) {
                        return false;
                    }
                    held.closedByPeer.incrementAndGet();
                    return true;
                });
                Processes.pause(byteIntervalMillis);
            }
        });
        return held;
    }

    /**
     * HTTP/1.1 requests declaring a {@code declaredBytes} body of which only 100 bytes are sent, one per connection.
     */
    public static Held unsentBodies(InetSocketAddress target, int connections, long declaredBytes) {
        Held held = new Held("h1-unsent-body");
        byte[] request = ("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + declaredBytes + "\r\n\r\n"
                        + "{\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"prompt\":\"" + "a".repeat(46))
                .getBytes(StandardCharsets.US_ASCII);
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < connections && held.running(); i++) {
            Socket s = held.open(target);
            if (s != null && write(s, request)) {
                open.add(s);
            }
        }
        watch(held, open);
        return held;
    }

    /**
     * h2c with prior knowledge: {@code connections} connections, each opening {@code streamsPerConnection} streams
     * whose {@code HEADERS} declare a {@code declaredBytes} body and whose {@code DATA} never comes. The client
     * acknowledges the server's SETTINGS and answers PINGs, so the connection itself stays valid HTTP/2.
     */
    public static Held h2UnsentBodies(
            InetSocketAddress target, int connections, int streamsPerConnection, long declaredBytes) {
        Held held = new Held("h2-unsent-body");
        byte[] block = h2RequestHeaders(declaredBytes);
        for (int c = 0; c < connections && held.running(); c++) {
            Socket s = held.open(target);
            if (s == null) {
                continue;
            }
            Object lock = new Object();
            held.thread(() -> readH2(held, s, lock));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(frame(4, 0, 0, new byte[0])); // SETTINGS, none changed
            for (int i = 0; i < streamsPerConnection; i++) {
                out.writeBytes(frame(1, 0x4, 1 + 2 * i, block)); // HEADERS, END_HEADERS, no END_STREAM
            }
            synchronized (lock) {
                write(s, out.toByteArray());
            }
        }
        return held;
    }

    /** The HPACK block of a POST with content-length: literals without indexing, no Huffman coding. */
    static byte[] h2RequestHeaders(long declaredBytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x83); // :method POST (static index 3)
        b.write(0x86); // :scheme http (static index 6)
        literal(b, new byte[] {0x04}, "/v1/completions"); // :path, static name index 4
        literal(b, new byte[] {0x01}, "127.0.0.1"); // :authority, static name index 1
        literal(b, new byte[] {0x0f, 0x10}, "application/json"); // content-type, static name index 31
        literal(b, new byte[] {0x0f, 0x0d}, Long.toString(declaredBytes)); // content-length, static name index 28
        return b.toByteArray();
    }

    private static void literal(ByteArrayOutputStream b, byte[] nameIndex, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(nameIndex);
        b.write(v.length); // < 127: one byte, no Huffman
        b.writeBytes(v);
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) ((stream >>> 24) & 0x7f);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    private static void readH2(Held held, Socket s, Object lock) {
        try {
            InputStream in = s.getInputStream();
            byte[] head = new byte[9];
            while (held.running()) {
                if (in.readNBytes(head, 0, 9) < 9) {
                    held.closedByPeer.incrementAndGet();
                    return;
                }
                int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                int type = head[3] & 0xff;
                int flags = head[4] & 0xff;
                byte[] payload = in.readNBytes(length);
                if (type == 4 && (flags & 1) == 0) {
                    synchronized (lock) {
                        write(s, frame(4, 1, 0, new byte[0])); // SETTINGS ACK
                    }
                } else if (type == 6 && (flags & 1) == 0) {
                    synchronized (lock) {
                        write(s, frame(6, 1, 0, payload)); // PING ACK
                    }
                } else if (type == 3 || type == 7) { // RST_STREAM, GOAWAY
                    held.resets.incrementAndGet();
                }
            }
        } catch (IOException e) {
            if (held.running()) {
                held.closedByPeer.incrementAndGet();
            }
        }
    }

    /** Counts connections the gateway closes or answers while the attack holds them. */
    private static void watch(Held held, List<Socket> open) {
        for (Socket s : open) {
            held.thread(() -> {
                try {
                    InputStream in = s.getInputStream();
                    if (in.read() >= 0 || held.running()) { // an answer (e.g. 408) or the end of the stream
                        held.closedByPeer.incrementAndGet();
                    }
                } catch (IOException e) {
                    if (held.running()) {
                        held.closedByPeer.incrementAndGet();
                    }
                }
            });
        }
    }

    private static boolean write(Socket s, byte[] bytes) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the peer has closed, reset or answered: a read that returns (a byte or the end) within 1 ms. */
    private static boolean peerClosed(Socket s) {
        try {
            s.setSoTimeout(1);
            s.getInputStream().read();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
