package io.infergate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.ProxyListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * HTTPS listeners: TLS from a kubernetes.io/tls Secret (certificate files) with ALPN h2 and http/1.1, or a refusal to
 * start.
 */
class GatewayConfigTlsIT {

    private static String manifests(String secretAnnotations) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - name: https
                      protocol: HTTPS
                      port: 8443
                      tls: {mode: Terminate, certificateRefs: [{name: cert}]}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cert
                  annotations: {%s}
                type: kubernetes.io/tls
                """.formatted(secretAnnotations);
    }

    private static LoadResult load(String text) throws Exception {
        Path dir = Path.of(GatewayConfigTlsIT.class.getResource("/tls.crt").toURI())
                .getParent();
        return Manifests.load(dir.resolve("gw.yaml").toString(), text);
    }

    @Test
    void httpsListenerServesTlsWithTheSecretsCertificate() throws Exception {
        LoadResult r = load(manifests("infergate.io/tls-crt-file: tls.crt, infergate.io/tls-key-file: tls.key"));
        assertThat(r.errors()).isEmpty();
        GatewayConfig config = GatewayConfig.compile(r.manifests());
        assertThat(config.listener("default/gw/https").ssl()).isPresent();
        try (GatewayServer server =
                new GatewayServer(config, GatewayOptions.defaults().withPortMapper(l -> 0), ProxyListener.NONE)) {
            server.start();
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
            URI models = URI.create("https://localhost:" + server.boundPorts().get("default/gw/https") + "/v1/models");
            for (HttpClient.Version version : HttpClient.Version.values()) {
                // HTTP_2 is negotiated by ALPN; HTTP_1_1 is a client that offers only http/1.1
                HttpClient client = HttpClient.newBuilder()
                        .sslContext(trustAll)
                        .version(version)
                        .build();
                HttpResponse<String> resp =
                        client.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString());
                // answered by the gateway itself, over TLS; no route attaches, so no pool and no model
                assertThat(resp.version()).isEqualTo(version);
                assertThat(resp.statusCode()).isEqualTo(200);
                assertThat(resp.body()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
            }
        }
    }

    @Test
    void anHttpsListenerWithoutAUsableCertificateIsRefused() throws Exception {
        LoadResult r = load(manifests("infergate.io/tls-crt-file: tls.crt, infergate.io/tls-key-file: missing.key"));
        assertThatThrownBy(() -> GatewayConfig.compile(r.manifests()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener default/gw/https")
                .hasMessageContaining("missing.key");
    }
}
