package io.infergate.bench.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HTTP/1.1 request on its own connection, over a plain blocking socket, classified into exactly one
 * {@link Outcome}. A raw socket rather than an HTTP library so that nothing is retried or hidden: "no status line"
 * (lost) and "no end by the deadline" (hung) are what the wire showed. The request carries {@code Connection:
 * close}, so a reused connection's idle-timeout race cannot pass for a lost request.
 *
 * <p>Every read waits at most until the request's deadline ({@code start + ttl}), so a call always returns by then
 * (plus the connect and write of a small request). A {@link Pace} makes a slow reader: a small receive buffer, few
 * bytes per read and a pause before each read.
 *
 * <p>Stateless; {@link #call} blocks its caller (meant for a virtual thread per request) and is safe from any number
 * of threads at once. A malformed response is an {@link Outcome.Unmapped}, never an exception.
 */
public final class ChaosClient {

    /**
     * How fast the client reads the response.
     *
     * @param bytesPerRead  at most this many bytes per read; 0 = as many as are there
     * @param pauseNanos    wait this long before each read
     * @param receiveBuffer the socket's receive buffer in bytes; 0 = the system's
     */
    public record Pace(int bytesPerRead, long pauseNanos, int receiveBuffer) {
        /** Read as fast as the bytes come. */
        public static final Pace FAST = new Pace(0, 0, 0);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_LINE = 1 << 20;
    private static final int MAX_JSON_BODY = 1 << 20;

    private ChaosClient() {}

    /**
     * A POST of a JSON body with {@code Connection: close}.
     *
     * @param headers extra headers, name to value
     */
    public static byte[] post(String path, String json, Map<String, String> headers) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(256)
                .append("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n")
                .append("Content-Length: ")
                .append(body.length)
                .append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /**
     * Sends {@code request} (a whole HTTP/1.1 request, e.g. from {@link #post}) to {@code target} and reads the
     * answer until it ends, the connection breaks, or {@code deadlineNanos} ({@link System#nanoTime} scale) passes.
     *
     * @param startNanos the request's scheduled start: every time in the outcome is measured from it
     */
    public static Outcome call(
            InetSocketAddress target, byte[] request, long startNanos, long deadlineNanos, Pace pace) {
        Wire wire = null;
        int status = -1;
        try (Socket s = new Socket()) {
            if (pace.receiveBuffer() > 0) {
                s.setReceiveBufferSize(pace.receiveBuffer());
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return new Outcome.Hung(false, System.nanoTime() - startNanos);
            }
            try {
                s.connect(target, millis(left));
            } catch (SocketTimeoutException e) {
                return new Outcome.Hung(false, System.nanoTime() - startNanos);
            } catch (IOException e) {
                return new Outcome.Lost("connect: " + e.getMessage(), System.nanoTime() - startNanos);
            }
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            wire = new Wire(s, deadlineNanos, pace);
            String statusLine = wire.line();
            if (statusLine == null) {
                return new Outcome.Lost("closed before a status line", System.nanoTime() - startNanos);
            }
            status = parseStatus(statusLine);
            if (status < 0) {
                return new Outcome.Unmapped(0, "bad status line: " + clip(statusLine), System.nanoTime() - startNanos);
            }
            Head head = Head.read(wire);
            Body body = new Body(wire, head);
            if (status == 200 && head.eventStream()) {
                return readStream(body, startNanos);
            }
            return readWhole(status, head, body, startNanos);
        } catch (DeadlineReached e) {
            return new Outcome.Hung(status >= 0, System.nanoTime() - startNanos);
        } catch (IOException e) {
            long t = System.nanoTime() - startNanos;
            return status < 0 && (wire == null || !wire.sawBytes())
                    ? new Outcome.Lost(String.valueOf(e.getMessage()), t)
                    : new Outcome.Unmapped(Math.max(status, 0), "cut: " + e.getMessage(), t);
        }
    }

    private static Outcome readStream(Body body, long startNanos) throws IOException {
        long ttft = -1;
        int events = 0;
        String errorCode = null;
        boolean done = false;
        boolean cut = false;
        try {
            for (String line; (line = body.line()) != null; ) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) {
                    done = true;
                } else if (data.contains("\"error\"")) {
                    errorCode = errorCode(data);
                } else {
                    if (ttft < 0) {
                        ttft = System.nanoTime() - startNanos;
                    }
                    events++;
                }
            }
        } catch (CutOff e) {
            cut = true;
        }
        long t = System.nanoTime() - startNanos;
        if (errorCode != null) {
            return new Outcome.Failed(200, errorCode, false, t);
        }
        if (done) {
            return new Outcome.Completed(ttft < 0 ? t : ttft, t, events);
        }
        return new Outcome.Unmapped(200, cut ? "stream cut off" : "stream ended without [DONE]", t);
    }

    private static Outcome readWhole(int status, Head head, Body body, long startNanos) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean cut = false;
        try {
            for (int b; (b = body.read()) >= 0; ) {
                if (bytes.size() < MAX_JSON_BODY) {
                    bytes.write(b);
                }
            }
        } catch (CutOff e) {
            cut = true;
        }
        long t = System.nanoTime() - startNanos;
        if (cut) {
            return new Outcome.Unmapped(status, "body cut off", t);
        }
        if (status == 200) {
            return new Outcome.Completed(t, t, 1);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        String code = errorCode(text);
        if (code == null) {
            return new Outcome.Unmapped(status, "error body not OpenAI-style: " + clip(text), t);
        }
        if (!mappedStatus(status)) {
            return new Outcome.Unmapped(status, "status " + status + " " + code, t);
        }
        return new Outcome.Failed(status, code, head.retryAfter(), t);
    }

    /** The documented error statuses: any 4xx, and 502/503/504 for upstream and pool conditions. */
    static boolean mappedStatus(int status) {
        return (status >= 400 && status < 500) || status == 502 || status == 503 || status == 504;
    }

    /** {@code error.code}, else {@code error.type}, else {@code ""}; null when the text has no error object. */
    static String errorCode(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            return null;
        }
        JsonNode error = root == null ? null : root.get("error");
        if (error == null || !error.isObject()) {
            return null;
        }
        JsonNode code = error.get("code");
        if (code != null && !code.isNull() && !code.asString().isEmpty()) {
            return code.asString();
        }
        JsonNode type = error.get("type");
        return type == null || type.isNull() ? "" : type.asString();
    }

    static int parseStatus(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
    }

    private static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** The deadline passed while waiting for bytes. */
    private static final class DeadlineReached extends IOException {
        DeadlineReached() {
            super("deadline");
        }
    }

    /** The connection ended before the body's declared end. */
    private static final class CutOff extends IOException {
        CutOff(String why) {
            super(why);
        }
    }

    /** The socket's bytes, each read bounded by the deadline and paced. */
    private static final class Wire {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final Pace pace;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;
        private boolean sawBytes;

        Wire(Socket socket, long deadline, Pace pace) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
            this.pace = pace;
        }

        boolean sawBytes() {
            return sawBytes;
        }

        /** The next byte, or -1 at the end of the connection. */
        int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        private boolean fill() throws IOException {
            long left = deadline - System.nanoTime();
            if (pace.pauseNanos() > 0) {
                LockSupport.parkNanos(Math.min(pace.pauseNanos(), Math.max(0, left)));
                left = deadline - System.nanoTime();
            }
            if (left <= 0) {
                throw new DeadlineReached();
            }
            socket.setSoTimeout(millis(left));
            int max = pace.bytesPerRead() > 0 ? Math.min(buf.length, pace.bytesPerRead()) : buf.length;
            int n;
            try {
                n = in.read(buf, 0, max);
            } catch (SocketTimeoutException e) {
                throw new DeadlineReached();
            }
            if (n <= 0) {
                return false;
            }
            sawBytes = true;
            pos = 0;
            lim = n;
            return true;
        }

        /** A line without its CR LF; null at the end of the connection before any byte of it. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(80);
            for (int c; (c = read()) >= 0; ) {
                if (c == '\n') {
                    return trimCr(b);
                }
                if (b.size() >= MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " bytes");
                }
                b.write(c);
            }
            if (b.size() == 0) {
                return null;
            }
            throw new CutOff("connection closed inside a line");
        }

        private static String trimCr(ByteArrayOutputStream b) {
            String s = b.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }

    /** The response headers the client needs. */
    private record Head(long contentLength, boolean chunked, boolean eventStream, boolean retryAfter) {
        static Head read(Wire wire) throws IOException {
            long length = -1;
            boolean chunked = false;
            boolean sse = false;
            boolean retryAfter = false;
            for (String line; ; ) {
                line = wire.line();
                if (line == null) {
                    throw new CutOff("connection closed inside the headers");
                }
                if (line.isEmpty()) {
                    return new Head(length, chunked, sse, retryAfter);
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        try {
                            length = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IOException("bad Content-Length: " + value);
                        }
                    }
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "content-type" -> sse = value.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
                    case "retry-after" -> retryAfter = true;
                    default -> {
                        // not needed
                    }
                }
            }
        }
    }

    /** The decoded body: chunked, Content-Length, or up to the connection's end. */
    private static final class Body {
        private final Wire wire;
        private final Head head;
        private long left; // of the current chunk, or of the Content-Length
        private boolean ended;

        Body(Wire wire, Head head) {
            this.wire = wire;
            this.head = head;
            this.left = head.chunked() ? 0 : head.contentLength();
        }

        int read() throws IOException {
            if (ended) {
                return -1;
            }
            if (head.chunked()) {
                if (left == 0 && !nextChunk()) {
                    ended = true;
                    return -1;
                }
                left--;
                return must(wire.read());
            }
            if (head.contentLength() >= 0) {
                if (left == 0) {
                    ended = true;
                    return -1;
                }
                left--;
                return must(wire.read());
            }
            int b = wire.read();
            ended = b < 0;
            return b;
        }

        private static int must(int b) throws CutOff {
            if (b < 0) {
                throw new CutOff("connection closed inside the body");
            }
            return b;
        }

        private boolean nextChunk() throws IOException {
            String size = wire.line();
            if (size != null && size.isEmpty()) { // the CR LF after the previous chunk's data
                size = wire.line();
            }
            if (size == null) {
                throw new CutOff("connection closed between chunks");
            }
            int semi = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + clip(size));
            }
            if (n == 0) {
                return false; // trailers, if any, are not read: the connection is closed anyway
            }
            left = n;
            return true;
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            for (int c; (c = read()) >= 0; ) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                if (b.size() < MAX_LINE) {
                    b.write(c);
                }
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
        }
    }
}
