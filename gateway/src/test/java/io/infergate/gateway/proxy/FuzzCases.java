package io.infergate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Mutated requests for {@link GatewayFuzzIT}: valid chat and completions requests, then one family of mutation per
 * case (body bytes, JSON shape, Content-Length, chunked framing, headers, request line, raw bytes, HTTP/2 frames).
 * Everything is drawn from the given random, so a seed gives the same cases every time.
 *
 * <p>{@link Case#halfClose()} says the request may be incomplete as sent (a declared length not sent, a cut, a flip
 * that may land in a length): the runner then shuts its output down after writing, so a correct server sees the end
 * of input instead of waiting for bytes that never come, and either answers or closes.
 */
final class FuzzCases {

    /** One request as bytes on the wire. */
    record Case(String family, String description, byte[] bytes, boolean h2, boolean halfClose) {}

    static final String MODEL = GatewayFixture.BASE_MODEL;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final SplittableRandom r;

    FuzzCases(SplittableRandom random) {
        this.r = random;
    }

    /** The families, in the order {@link #next} cycles through them; each gets an equal share of the cases. */
    static final List<String> FAMILIES =
            List.of("body", "json", "content-length", "chunked", "headers", "request-line", "raw", "h2");

    Case next(int index) {
        String family = FAMILIES.get(index % FAMILIES.size());
        return switch (family) {
            case "body" -> body();
            case "json" -> json();
            case "content-length" -> contentLength();
            case "chunked" -> chunked();
            case "headers" -> headers();
            case "request-line" -> requestLine();
            case "raw" -> raw();
            default -> h2();
        };
    }

    // ---- valid starting points ----

    private boolean chat() {
        return r.nextBoolean();
    }

    private static String path(boolean chat) {
        return chat ? "/v1/chat/completions" : "/v1/completions";
    }

    private String validBody(boolean chat) {
        // an unknown name is 404 in the strict pool; "ghost" routes to the pool without endpoints (503)
        int pick = r.nextInt(8);
        String model = pick < 2 ? "unknown-" + r.nextInt(1000) : pick == 2 ? "ghost" : MODEL;
        String stream = r.nextInt(3) == 0 ? ",\"stream\":true" : "";
        return chat
                ? "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + r.nextInt(100)
                        + "\"}],\"max_tokens\":2" + stream + "}"
                : "{\"model\":\"" + model + "\",\"prompt\":\"hello " + r.nextInt(100) + "\",\"max_tokens\":2" + stream
                        + "}";
    }

    private static byte[] http1(String requestLine, List<String> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(requestLine.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(CRLF);
        for (String h : headers) {
            out.writeBytes(h.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static List<String> standardHeaders(int contentLength) {
        List<String> h = new ArrayList<>();
        h.add("Host: gw");
        h.add("Content-Type: application/json");
        h.add("Content-Length: " + contentLength);
        return h;
    }

    private Case simple(String family, String description, byte[] body, boolean halfClose) {
        boolean chat = chat();
        return new Case(
                family,
                description,
                http1("POST " + path(chat) + " HTTP/1.1", standardHeaders(body.length), body),
                false,
                halfClose);
    }

    // ---- families ----

    /** Byte-level damage to a valid body; Content-Length stays true to the bytes sent. */
    private Case body() {
        byte[] b = validBody(chat()).getBytes(StandardCharsets.UTF_8);
        String what;
        switch (r.nextInt(6)) {
            case 0 -> {
                int at = r.nextInt(b.length);
                b[at] ^= (byte) (1 << r.nextInt(8));
                what = "bit flip at " + at;
            }
            case 1 -> {
                int n = r.nextInt(b.length);
                b = Arrays.copyOf(b, n);
                what = "truncated to " + n;
            }
            case 2 -> {
                int at = r.nextInt(b.length);
                byte[][] bad = {
                    {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, '/'}
                };
                b = insert(b, at, bad[r.nextInt(bad.length)]);
                what = "invalid UTF-8 at " + at;
            }
            case 3 -> {
                for (int i = r.nextInt(1, 8); i > 0; i--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                what = "random bytes";
            }
            case 4 -> {
                b = new byte[r.nextInt(0, 2048)];
                r.nextBytes(b);
                what = "random body of " + b.length;
            }
            default -> {
                b = new byte[0];
                what = "empty body";
            }
        }
        return simple("body", what, b, false);
    }

    /** Valid framing, hostile JSON: nesting, numbers, duplicates, types, names. */
    private Case json() {
        boolean chat = chat();
        String content = chat ? "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]" : "\"prompt\":\"x\"";
        String m = "\"model\":\"" + MODEL + "\"";
        int depth = r.nextInt(1, 5000);
        String body = switch (r.nextInt(14)) {
            case 0 -> "{" + m + ",\"prompt\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            case 1 -> "{" + m + ",\"prompt\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
            case 2 -> "{" + m + "," + content + ",\"max_tokens\":" + hugeNumber() + "}";
            case 3 -> "{" + m + "," + content + ",\"max_tokens\":-" + r.nextInt(1, 1000) + "}";
            case 4 -> "{" + m + "," + content + ",\"temperature\":" + hugeNumber() + "}";
            case 5 -> "{" + m + ",\"model\":\"other\"," + m + "," + content + "}";
            case 6 -> "{\"model\":" + jsonOfWrongType() + "," + content + "}";
            case 7 -> "{" + m + "," + content + ",\"stream\":" + jsonOfWrongType() + "}";
            case 8 -> "{\"model\":\"" + hostileName() + "\"," + content + "}";
            case 9 -> jsonOfWrongType();
            case 10 -> "{" + m + "," + content + ",\"stream_options\":" + jsonOfWrongType() + "}";
            case 11 -> "{" + m + "," + content + "}" + " {}";
            case 12 -> "{" + m + "," + content + ",\"x\":\"" + "\\ud800".repeat(r.nextInt(1, 4)) + "\"}";
            default -> "{" + m + "," + content + ",\"big\":\"" + "y".repeat(r.nextInt(1, 300_000)) + "\"}";
        };
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new Case(
                "json",
                body.length() > 120 ? body.substring(0, 120) + "...(" + body.length() + ")" : body,
                http1("POST " + path(chat) + " HTTP/1.1", standardHeaders(b.length), b),
                false,
                false);
    }

    private String hugeNumber() {
        String[] n = {
            "1e999999",
            "-1e999999",
            "99999999999999999999999999999999",
            "1" + "0".repeat(5000),
            "1.5",
            "1e2",
            "-0",
            "0.0000000000000000000001",
            "9223372036854775808",
            "18446744073709551616"
        };
        return n[r.nextInt(n.length)];
    }

    private String jsonOfWrongType() {
        String[] v = {"1", "null", "true", "[]", "{}", "\"s\"", "[1,2]", "{\"a\":1}", "-0.5e3"};
        return v[r.nextInt(v.length)];
    }

    private String hostileName() {
        String[] v = {
            "\\u0000",
            "\\n",
            "\\r\\nX-Injected: 1",
            "\\u007f",
            " " + MODEL,
            MODEL + " ",
            "\\\"",
            "\\\\",
            "",
            "n".repeat(r.nextInt(1, 70_000)),
            "é😀",
            "\\ud83d\\ude00",
            "../../etc",
            "%00",
            "a\\tb"
        };
        return v[r.nextInt(v.length)];
    }

    /** Content-Length lies: huge, negative, doubled, too long (half-closed), too short (the rest is garbage). */
    private Case contentLength() {
        boolean chat = chat();
        byte[] b = validBody(chat).getBytes(StandardCharsets.UTF_8);
        List<String> h = new ArrayList<>(List.of("Host: gw", "Content-Type: application/json"));
        boolean halfClose = false;
        String what;
        switch (r.nextInt(10)) {
            case 0 -> {
                what = "huge";
                h.add("Content-Length: "
                        + new String[] {"9999999999999999999", "2147483648", "4294967296", "1000000000"}[r.nextInt(4)]);
                halfClose = true;
            }
            case 1 -> {
                what = "negative";
                h.add("Content-Length: -" + r.nextInt(1, 100));
            }
            case 2 -> {
                what = "duplicate, same";
                h.add("Content-Length: " + b.length);
                h.add("Content-Length: " + b.length);
            }
            case 3 -> {
                what = "duplicate, different";
                h.add("Content-Length: " + b.length);
                h.add("Content-Length: " + (b.length + 5));
                halfClose = true;
            }
            case 4 -> {
                what = "list";
                h.add("Content-Length: " + b.length + ", " + b.length);
            }
            case 5 -> {
                what = "too long";
                h.add("Content-Length: " + (b.length + r.nextInt(1, 100_000)));
                halfClose = true;
            }
            case 6 -> {
                what = "too short, rest is garbage";
                int n = r.nextInt(b.length);
                h.add("Content-Length: " + n);
                halfClose = true;
            }
            case 7 -> {
                what = "with Transfer-Encoding";
                h.add("Content-Length: " + b.length);
                h.add("Transfer-Encoding: chunked");
                halfClose = true;
            }
            case 8 -> {
                what = "not a number";
                h.add("Content-Length: "
                        + new String[] {"+" + b.length, "0x10", b.length + ".0", "", " ", "1 2", "abc"}[r.nextInt(7)]);
                halfClose = true;
            }
            default -> {
                what = "missing";
            }
        }
        return new Case("content-length", what, http1("POST " + path(chat) + " HTTP/1.1", h, b), false, halfClose);
    }

    /** Chunked framing errors: bad sizes, missing CRLFs, no last chunk, junk trailers, size beyond the data. */
    private Case chunked() {
        boolean chat = chat();
        byte[] b = validBody(chat).getBytes(StandardCharsets.UTF_8);
        int cut = r.nextInt(1, b.length);
        String first = new String(b, 0, cut, StandardCharsets.ISO_8859_1);
        String second = new String(b, cut, b.length - cut, StandardCharsets.ISO_8859_1);
        String size1 = Integer.toHexString(cut);
        String size2 = Integer.toHexString(b.length - cut);
        String what;
        boolean halfClose = true;
        String framed = switch (r.nextInt(11)) {
            case 0 -> {
                what = "valid";
                halfClose = false;
                yield size1 + "\r\n" + first + "\r\n" + size2 + "\r\n" + second + "\r\n0\r\n\r\n";
            }
            case 1 -> {
                what = "bad hex size";
                yield "zz\r\n" + first + "\r\n0\r\n\r\n";
            }
            case 2 -> {
                what = "negative size";
                yield "-" + size1 + "\r\n" + first + "\r\n0\r\n\r\n";
            }
            case 3 -> {
                what = "huge size";
                yield "ffffffffffffffff\r\n" + first + "\r\n0\r\n\r\n";
            }
            case 4 -> {
                what = "missing CRLF after data";
                yield size1 + "\r\n" + first + size2 + "\r\n" + second + "\r\n0\r\n\r\n";
            }
            case 5 -> {
                what = "no last chunk";
                yield size1 + "\r\n" + first + "\r\n" + size2 + "\r\n" + second + "\r\n";
            }
            case 6 -> {
                what = "size beyond the data";
                yield Integer.toHexString(b.length + 100) + "\r\n" + new String(b, StandardCharsets.ISO_8859_1)
                        + "\r\n0\r\n\r\n";
            }
            case 7 -> {
                what = "extensions and junk trailers";
                halfClose = false;
                yield size1 + ";a=b;c\r\n" + first + "\r\n" + size2 + ";x=\"y\"\r\n" + second
                        + "\r\n0\r\nX-Trailer: 1\r\nbad trailer line\r\n\r\n";
            }
            case 8 -> {
                what = "bare LF";
                yield size1 + "\n" + first + "\n" + size2 + "\n" + second + "\n0\n\n";
            }
            case 9 -> {
                what = "many one-byte chunks";
                halfClose = false;
                StringBuilder s = new StringBuilder();
                for (byte c : b) {
                    s.append("1\r\n").append((char) (c & 0xFF)).append("\r\n");
                }
                yield s + "0\r\n\r\n";
            }
            default -> {
                what = "size with spaces";
                yield " " + size1 + " \r\n" + first + "\r\n0\r\n\r\n";
            }
        };
        List<String> h = new ArrayList<>(List.of("Host: gw", "Content-Type: application/json"));
        h.add(r.nextInt(5) == 0 ? "Transfer-Encoding: gzip, chunked" : "Transfer-Encoding: chunked");
        return new Case(
                "chunked",
                what,
                http1("POST " + path(chat) + " HTTP/1.1", h, framed.getBytes(StandardCharsets.ISO_8859_1)),
                false,
                halfClose);
    }

    /** Header injection, folding, oversize, odd names and values, gateway control headers with junk. */
    private Case headers() {
        boolean chat = chat();
        byte[] b = validBody(chat).getBytes(StandardCharsets.UTF_8);
        List<String> h = standardHeaders(b.length);
        String what;
        boolean halfClose = false;
        switch (r.nextInt(14)) {
            case 0 -> {
                what = "CRLF injection";
                h.add("X-A: b\r\nX-Injected: 1");
            }
            case 1 -> {
                what = "bare CR in a value";
                h.add("X-A: b\rX-Injected: 1");
                halfClose = true;
            }
            case 2 -> {
                what = "NUL in a value";
                h.add("X-A: a\u0000b");
            }
            case 3 -> {
                what = "obs-fold";
                h.add("X-A: a");
                h.add(" continued");
            }
            case 4 -> {
                what = "no colon";
                h.add("NoColonHere");
            }
            case 5 -> {
                what = "space before colon";
                h.add("X-A : b");
            }
            case 6 -> {
                what = "oversized header";
                h.add("X-Big: " + "b".repeat(r.nextInt(8_000, 200_000)));
                halfClose = true;
            }
            case 7 -> {
                what = "many headers";
                for (int i = r.nextInt(100, 5_000); i > 0; i--) {
                    h.add("X-H" + i + ": v");
                }
                halfClose = true;
            }
            case 8 -> {
                what = "non-ASCII name";
                h.add("X-\u00e9\u00ff: v");
            }
            case 9 -> {
                String[] names = {
                    "x-gateway-model-name-rewrite",
                    "x-gateway-inference-objective",
                    "x-gateway-inference-fairness-id",
                    "x-gateway-destination-endpoint",
                    "x-gateway-model-name",
                    "x-request-id",
                    "x-session-id"
                };
                String[] values = {"", " ", "\u0001", "\u00ff\u00fe", "x".repeat(7000), "ghost", "127.0.0.1:1", "-1"};
                String name = names[r.nextInt(names.length)];
                String value = values[r.nextInt(values.length)];
                what = "control header " + name + " = " + value.length() + " chars";
                h.add(name + ": " + value);
            }
            case 10 -> {
                what = "Expect: 100-continue";
                h.add("Expect: 100-continue");
            }
            case 11 -> {
                what = "Connection: Upgrade h2c";
                h.add("Connection: Upgrade, HTTP2-Settings");
                h.add("Upgrade: h2c");
                h.add("HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA");
            }
            case 12 -> {
                what = "odd content types and encodings";
                h.set(
                        1,
                        "Content-Type: "
                                + new String[] {"text/plain", "", "application/json; charset=latin1", "*/*"}
                                        [r.nextInt(4)]);
                h.add("Content-Encoding: gzip");
            }
            default -> {
                what = "Connection: close";
                h.add("Connection: close");
            }
        }
        return new Case("headers", what, http1("POST " + path(chat) + " HTTP/1.1", h, b), false, halfClose);
    }

    /** Bad methods, paths and versions. */
    private Case requestLine() {
        boolean chat = chat();
        byte[] b = validBody(chat).getBytes(StandardCharsets.UTF_8);
        String[] methods = {"GET", "PUT", "DELETE", "HEAD", "OPTIONS", "FOO", "post", "P\u00d8ST", "CONNECT", "TRACE"};
        String[] paths = {
            "/v1/../metrics",
            "/v1/%2e%2e/metrics",
            "/v1/chat%2Fcompletions",
            "/v1/chat/completions%00",
            "/v1\\chat\\completions",
            "//v1//completions",
            "*",
            "http://gw/v1/completions",
            "/v1/completions?x=" + "q".repeat(r.nextInt(1, 20_000)),
            "/v1/completions#frag",
            "/" + "a/".repeat(r.nextInt(1, 3000)),
            "/v2/x",
            "",
            "/v1/completions?%zz"
        };
        String[] versions = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9.9", "", "http/1.1", "HTTP/1.1 x"};
        String what;
        String line;
        boolean halfClose = false;
        switch (r.nextInt(3)) {
            case 0 -> {
                String m = methods[r.nextInt(methods.length)];
                what = "method " + m;
                line = m + " " + path(chat) + " HTTP/1.1";
            }
            case 1 -> {
                String p = paths[r.nextInt(paths.length)];
                what = "path " + (p.length() > 60 ? p.substring(0, 60) + "...(" + p.length() + ")" : p);
                line = "POST " + p + " HTTP/1.1";
                halfClose = p.length() > 4000;
            }
            default -> {
                String v = versions[r.nextInt(versions.length)];
                what = "version " + v;
                line = "POST " + path(chat) + " " + v;
                halfClose = true;
            }
        }
        return new Case("request-line", what, http1(line, standardHeaders(b.length), b), false, halfClose);
    }

    /** Random damage anywhere in the bytes, head included. */
    private Case raw() {
        boolean chat = chat();
        byte[] b = validBody(chat).getBytes(StandardCharsets.UTF_8);
        byte[] all = http1("POST " + path(chat) + " HTTP/1.1", standardHeaders(b.length), b);
        int edits = r.nextInt(1, 6);
        for (int i = 0; i < edits; i++) {
            int at = r.nextInt(all.length);
            switch (r.nextInt(3)) {
                case 0 -> all[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> all[at] = (byte) r.nextInt(256);
                default -> all = Arrays.copyOf(all, at);
            }
            if (all.length == 0) {
                break;
            }
        }
        return new Case("raw", edits + " edits", all, false, true);
    }

    // ---- HTTP/2 ----

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int PRIORITY = 2;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int WINDOW_UPDATE = 8;
    private static final int CONTINUATION = 9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return frame(payload.length, type, flags, stream, payload);
    }

    static byte[] frame(int declaredLength, int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (declaredLength >>> 16);
        f[1] = (byte) (declaredLength >>> 8);
        f[2] = (byte) declaredLength;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** A valid HPACK block for a POST; the mutator may change the headers before encoding. */
    static byte[] hpack(Function<Http2Headers, Http2Headers> edit) {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .method("POST")
                .scheme("http")
                .path("/v1/completions")
                .authority("gw")
                .add("content-type", "application/json");
        headers = edit.apply(headers);
        ByteBuf buf = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
    }

    /** Preface, SETTINGS, HEADERS and DATA on stream 1, then one mutation of the frames or their bytes. */
    private Case h2() {
        byte[] body = validBody(false).getBytes(StandardCharsets.UTF_8);
        byte[] block = hpack(h -> h.setInt("content-length", body.length));
        List<byte[]> frames = new ArrayList<>();
        frames.add(H2_PREFACE);
        frames.add(frame(SETTINGS, 0, 0, new byte[0]));
        frames.add(frame(HEADERS, END_HEADERS, 1, block));
        frames.add(frame(DATA, END_STREAM, 1, body));
        String what;
        boolean halfClose = true;
        switch (r.nextInt(16)) {
            case 0 -> {
                what = "valid";
                halfClose = false;
            }
            case 1 -> {
                int i = r.nextInt(1, frames.size());
                int declared = r.nextInt(0, 1 << 24);
                byte[] f = frames.get(i);
                frames.set(i, frame(declared, f[3], f[4], 1, Arrays.copyOfRange(f, 9, f.length)));
                what = "frame " + i + " declares length " + declared;
            }
            case 2 -> {
                int i = r.nextInt(1, frames.size());
                frames.get(i)[4] = (byte) r.nextInt(256);
                what = "frame " + i + " flags " + (frames.get(i)[4] & 0xFF);
            }
            case 3 -> {
                int stream = new int[] {0, 2, 3, 0x7fffffff, -1}[r.nextInt(5)];
                frames.set(2, frame(HEADERS, END_HEADERS, stream, block));
                frames.set(3, frame(DATA, END_STREAM, stream, body));
                what = "stream id " + stream;
            }
            case 4 -> {
                byte[][] settings = {
                    {0, 2, 0, 0, 0, 2}, {0, 4, (byte) 0x80, 0, 0, 0}, {0, 5, 0, 0, 0, 1}, {0, 1, 0}, {0, 9, 0, 0, 0, 0}
                };
                frames.set(1, frame(SETTINGS, 0, 0, settings[r.nextInt(settings.length)]));
                what = "bad SETTINGS";
            }
            case 5 -> {
                byte[] zero = {0, 0, 0, 0};
                byte[] max = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
                frames.add(2, frame(WINDOW_UPDATE, 0, r.nextInt(2), r.nextBoolean() ? zero : max));
                frames.add(3, frame(WINDOW_UPDATE, 0, r.nextInt(2), max));
                what = "WINDOW_UPDATE zero or overflowing";
            }
            case 6 -> {
                frames.add(2, frame(CONTINUATION, END_HEADERS, 1, block));
                what = "CONTINUATION without HEADERS";
            }
            case 7 -> {
                frames.set(2, frame(HEADERS, 0, 1, block));
                what = "HEADERS without END_HEADERS, then DATA";
            }
            case 8 -> {
                byte[] bad = block.clone();
                for (int i = r.nextInt(1, 4); i > 0; i--) {
                    bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                }
                frames.set(2, frame(HEADERS, END_HEADERS, 1, bad));
                what = "corrupt HPACK";
            }
            case 9 -> {
                String[] edits = {
                    "no :path", "uppercase name", "connection header", "te: gzip", "content-length mismatch",
                    "negative content-length", "no :method", ":path without slash", "duplicate :path", "huge header"
                };
                int e = r.nextInt(edits.length);
                what = "headers: " + edits[e];
                frames.set(2, frame(HEADERS, END_HEADERS, 1, hpack(h -> editH2(h, e, body.length))));
            }
            case 10 -> {
                frames.add(3, frame(RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8}));
                what = "RST_STREAM before DATA";
            }
            case 11 -> {
                frames.add(frame(PING, 0, 0, new byte[] {1, 2, 3}));
                frames.add(frame(PRIORITY, 0, 1, new byte[] {0, 0, 0, 1, 16}));
                frames.add(frame(0x42, 0xff, 1, new byte[] {9, 9}));
                what = "bad PING, self-dependent PRIORITY, unknown type";
            }
            case 12 -> {
                frames.add(frame(GOAWAY, 0, 0, new byte[] {0, 0, 0, 0, 0, 0, 0, 1}));
                what = "GOAWAY from the client";
            }
            case 13 -> {
                frames.set(3, frame(DATA, 0x8 | END_STREAM, 1, insert(body, 0, new byte[] {(byte) 200})));
                what = "DATA with a pad length beyond the frame";
            }
            case 14 -> {
                frames.set(3, frame(DATA, 0, 1, body));
                what = "DATA without END_STREAM";
            }
            default -> {
                what = "bytes flipped";
            }
        }
        byte[] all = concat(frames);
        if (what.equals("bytes flipped")) {
            for (int i = r.nextInt(1, 5); i > 0; i--) {
                int at = r.nextInt(H2_PREFACE.length, all.length);
                all[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return new Case("h2", what, all, true, halfClose);
    }

    private static Http2Headers editH2(Http2Headers h, int edit, int bodyLength) {
        switch (edit) {
            case 0 -> h.remove(":path");
            case 1 -> h.add("X-Upper", "v");
            case 2 -> h.add("connection", "keep-alive");
            case 3 -> h.add("te", "gzip");
            case 4 -> h.setInt("content-length", bodyLength + 7);
            case 5 -> h.set("content-length", "-1");
            case 6 -> h.remove(":method");
            case 7 -> h.path("v1/completions");
            case 8 -> h.add(":path", "/v1/chat/completions");
            default -> h.add("x-big", "b".repeat(40_000));
        }
        if (edit != 4 && edit != 5) {
            h.setInt("content-length", bodyLength);
        }
        return h;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
