package io.infergate.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written and read by hand, for tests that must do what a well-behaved client library refuses to (open
 * more streams than the server allows, stop after the preface). Header blocks use HPACK literals without indexing
 * and without Huffman coding (RFC 7541 §6.2.2), so no encoder state is needed.
 */
final class RawH2 {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int GOAWAY = 0x7;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int REFUSED_STREAM = 0x7;
    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;

    /** One frame as read: type, flags, stream id and payload. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        /** The error code of a RST_STREAM frame. */
        int errorCode() {
            return ((payload[0] & 0xFF) << 24)
                    | ((payload[1] & 0xFF) << 16)
                    | ((payload[2] & 0xFF) << 8)
                    | (payload[3] & 0xFF);
        }

        /** A setting's value in a SETTINGS frame, or -1. */
        long setting(int id) {
            for (int i = 0; i + 6 <= payload.length; i += 6) {
                int key = ((payload[i] & 0xFF) << 8) | (payload[i + 1] & 0xFF);
                if (key == id) {
                    return ((long) (payload[i + 2] & 0xFF) << 24)
                            | ((payload[i + 3] & 0xFF) << 16)
                            | ((payload[i + 4] & 0xFF) << 8)
                            | (payload[i + 5] & 0xFF);
                }
            }
            return -1;
        }
    }

    private RawH2() {}

    /** The client connection preface followed by an empty SETTINGS frame. */
    static void writePreface(OutputStream out) throws IOException {
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        writeFrame(out, SETTINGS, 0, 0, new byte[0]);
    }

    static void writeFrame(OutputStream out, int type, int flags, int streamId, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {
            (byte) (n >>> 16),
            (byte) (n >>> 8),
            (byte) n,
            (byte) type,
            (byte) flags,
            (byte) (streamId >>> 24),
            (byte) (streamId >>> 16),
            (byte) (streamId >>> 8),
            (byte) streamId
        });
        out.write(payload);
    }

    /** A header block of literal fields; names and values shorter than 127 bytes. */
    static byte[] headerBlock(String... namesAndValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.write(0x00); // literal header field without indexing, new name
            string(b, namesAndValues[i]);
            string(b, namesAndValues[i + 1]);
        }
        return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("too long for a one-byte length: " + s);
        }
        b.write(bytes.length);
        b.write(bytes, 0, bytes.length);
    }

    static Frame readFrame(DataInputStream in) throws IOException {
        int n = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7FFFFFFF;
        byte[] payload = new byte[n];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }
}
