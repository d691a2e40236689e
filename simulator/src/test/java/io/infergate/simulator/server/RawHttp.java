package io.infergate.simulator.server;

import io.infergate.testing.Patience;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare socket client for tests that need to see (or cut) the wire: partial streams, resets, disconnects. */
final class RawHttp implements AutoCloseable {

    final Socket socket;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        // a read waits for the server as long as a test waits for anything: a safety net, never a measure
        socket.setSoTimeout(Math.toIntExact(Patience.EVENTUALLY.toMillis()));
        in = socket.getInputStream();
    }

    void post(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Reads until {@code marker} has been seen (or the stream ends); returns everything read. */
    String readUntil(String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Reads until the peer ends or resets the connection; returns what was read and how it ended. */
    Ending readToEnd() {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                seen.write(buf, 0, n);
            }
            return new Ending(seen.toString(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            return new Ending(seen.toString(StandardCharsets.UTF_8), true);
        }
    }

    record Ending(String text, boolean reset) {}

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
