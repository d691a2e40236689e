package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Listeners sharing one port by hostname (HTTP by Host header, HTTPS by SNI for the certificate), and
 * {@link GatewayServer#update} re-binding a socket only when its port or protocol changed.
 */
class SharedPortIT {

    private final List<HttpServer> upstreams = new ArrayList<>();
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
    private GatewayServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstreams.forEach(s -> s.stop(0));
    }

    /** An upstream that answers every request with its name. */
    private int upstream(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        s.start();
        upstreams.add(s);
        return s.getAddress().getPort();
    }

    /** Gateway {@code gw} with the given listener lines; one HTTPRoute per listener to the Service of the same name. */
    private static String manifests(List<String> listeners, List<String> names, List<Integer> ports) {
        StringBuilder m = new StringBuilder("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners:
                """);
        listeners.forEach(l -> m.append("    - ").append(l).append('\n'));
        m.append("""
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: up, labels: {app: up}}
                status: {podIP: 127.0.0.1, phase: Running}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cert-a
                  annotations: {infergate.io/tls-crt-file: tls.crt, infergate.io/tls-key-file: tls.key}
                type: kubernetes.io/tls
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cert-b
                  annotations: {infergate.io/tls-crt-file: tls-b.crt, infergate.io/tls-key-file: tls-b.key}
                type: kubernetes.io/tls
                """);
        for (int i = 0; i < names.size(); i++) {
            m.append("""
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: %1$s}
                    spec:
                      parentRefs: [{name: gw, sectionName: %1$s}]
                      rules: [{backendRefs: [{name: %1$s, port: 80}]}]
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %1$s}
                    spec:
                      selector: {app: up}
                      ports: [{port: 80, targetPort: %2$d}]
                    """.formatted(names.get(i), ports.get(i)));
        }
        return m.toString();
    }

    private static GatewayConfig compile(String manifests) throws Exception {
        Path dir = Path.of(SharedPortIT.class.getResource("/tls.crt").toURI()).getParent();
        LoadResult r = Manifests.load(dir.resolve("gw.yaml").toString(), manifests);
        assertThat(r.errors()).as(manifests).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    private void start(GatewayConfig config) {
        server = new GatewayServer(config, GatewayOptions.defaults().withPortMapper(l -> 0), records::add);
        server.start();
    }

    /** A raw HTTP/1.1 GET with the given Host; returns the status line and the body. */
    private static String get(Socket s, String host) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /v1/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return resp.substring(0, resp.indexOf("\r\n")) + " | " + resp.substring(resp.indexOf("\r\n\r\n") + 4);
    }

    private String get(int port, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return get(s, host);
        }
    }

    @Test
    void theMostSpecificListenerHostnameServesTheRequest() throws Exception {
        List<String> names = List.of("exact", "wild", "any");
        start(compile(manifests(
                List.of(
                        "{name: any, protocol: HTTP, port: 8080}",
                        "{name: wild, protocol: HTTP, port: 8080, hostname: '*.example.com'}",
                        "{name: exact, protocol: HTTP, port: 8080, hostname: a.example.com}"),
                names,
                List.of(upstream("exact"), upstream("wild"), upstream("any")))));
        int port = server.boundPorts().get("default/gw/any");
        assertThat(server.boundPorts())
                .containsOnlyKeys("default/gw/any", "default/gw/wild", "default/gw/exact")
                .allSatisfy((id, p) -> assertThat(p).isEqualTo(port));

        assertThat(get(port, "a.example.com")).isEqualTo("HTTP/1.1 200 OK | exact");
        assertThat(get(port, "A.Example.COM:8080")).isEqualTo("HTTP/1.1 200 OK | exact");
        assertThat(get(port, "b.a.example.com")).isEqualTo("HTTP/1.1 200 OK | wild");
        assertThat(get(port, "example.com")).isEqualTo("HTTP/1.1 200 OK | any");
        assertThat(get(port, "other.org")).isEqualTo("HTTP/1.1 200 OK | any");
        Awaitility.await().until(() -> records.size() == 5);
        assertThat(records)
                .extracting(RequestRecord::listener)
                .containsExactly(
                        "default/gw/exact", "default/gw/exact", "default/gw/wild", "default/gw/any", "default/gw/any");
    }

    @Test
    void aHostNoListenerAcceptsIsA404() throws Exception {
        start(compile(manifests(
                List.of(
                        "{name: exact, protocol: HTTP, port: 8080, hostname: a.example.com}",
                        "{name: wild, protocol: HTTP, port: 8080, hostname: '*.example.com'}"),
                List.of("exact", "wild"),
                List.of(upstream("exact"), upstream("wild")))));
        String resp = get(server.boundPorts().get("default/gw/exact"), "other.org");
        assertThat(resp)
                .startsWith("HTTP/1.1 404 ")
                .contains("no listener on port 8080 accepts host \\\"other.org\\\"")
                .contains("\"type\":\"invalid_request_error\"");
    }

    @Test
    void httpsListenersOnOnePortPresentTheCertificateOfTheSniName() throws Exception {
        start(compile(manifests(
                List.of(
                        "{name: a, protocol: HTTPS, port: 8443, hostname: a.example.com, tls: {certificateRefs: [{name: cert-a}]}}",
                        "{name: b, protocol: HTTPS, port: 8443, hostname: b.example.com, tls: {certificateRefs: [{name: cert-b}]}}"),
                List.of("a", "b"),
                List.of(upstream("a"), upstream("b")))));
        int port = server.boundPorts().get("default/gw/a");
        assertThat(server.boundPorts().get("default/gw/b")).isEqualTo(port);
        try (SSLSocket s = tls(port, "b.example.com")) {
            assertThat(peerName(s)).isEqualTo("CN=b.example.com");
            assertThat(get(s, "b.example.com")).isEqualTo("HTTP/1.1 200 OK | b");
        }
        try (SSLSocket s = tls(port, "a.example.com")) {
            assertThat(peerName(s)).isEqualTo("CN=localhost");
            assertThat(get(s, "a.example.com")).isEqualTo("HTTP/1.1 200 OK | a");
        }
    }

    @Test
    void updateRebindsOnAPortOrProtocolChangeAndKeepsTheSocketOtherwise() throws Exception {
        List<String> names = List.of("main");
        List<Integer> ports = List.of(upstream("main"));
        start(compile(manifests(List.of("{name: main, protocol: HTTP, port: 8080}"), names, ports)));
        int first = server.boundPorts().get("default/gw/main");

        // a new hostname on the same port and protocol: same socket
        server.update(compile(
                manifests(List.of("{name: main, protocol: HTTP, port: 8080, hostname: a.example.com}"), names, ports)));
        assertThat(server.boundPorts().get("default/gw/main")).isEqualTo(first);
        assertThat(get(first, "a.example.com")).isEqualTo("HTTP/1.1 200 OK | main");

        // HTTP -> HTTPS: re-bound (an ephemeral port here, so a new number), and it speaks TLS. (Whether the old
        // port refuses connections is not asserted: on a busy machine another process may take it at once.)
        server.update(compile(manifests(
                List.of("{name: main, protocol: HTTPS, port: 8080, tls: {certificateRefs: [{name: cert-a}]}}"),
                names,
                ports)));
        int tlsPort = server.boundPorts().get("default/gw/main");
        assertThat(tlsPort).isNotEqualTo(first);
        try (SSLSocket s = tls(tlsPort, "a.example.com")) {
            assertThat(peerName(s)).isEqualTo("CN=localhost");
        }

        // a new certificate: same socket, new connections get it
        server.update(compile(manifests(
                List.of("{name: main, protocol: HTTPS, port: 8080, tls: {certificateRefs: [{name: cert-b}]}}"),
                names,
                ports)));
        assertThat(server.boundPorts().get("default/gw/main")).isEqualTo(tlsPort);
        try (SSLSocket s = tls(tlsPort, "b.example.com")) {
            assertThat(peerName(s)).isEqualTo("CN=b.example.com");
            assertThat(get(s, "b.example.com")).isEqualTo("HTTP/1.1 200 OK | main");
        }

        // another port: re-bound
        server.update(compile(manifests(
                List.of("{name: main, protocol: HTTPS, port: 9443, tls: {certificateRefs: [{name: cert-b}]}}"),
                names,
                ports)));
        int moved = server.boundPorts().get("default/gw/main");
        assertThat(moved).isNotEqualTo(tlsPort);
        try (SSLSocket s = tls(moved, "b.example.com")) {
            assertThat(get(s, "b.example.com")).isEqualTo("HTTP/1.1 200 OK | main");
        }
    }

    private static SSLSocket tls(int port, String sni) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static String peerName(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }
}
