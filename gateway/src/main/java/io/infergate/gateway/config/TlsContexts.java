package io.infergate.gateway.config;

import io.infergate.api.model.Gateway;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Secret;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the server {@link SslContext} of an HTTPS listener from the first certificate reference of its
 * {@code tls} block: a {@code kubernetes.io/tls} Secret with PEM in {@code tls.crt} / {@code tls.key}, or the
 * files its annotations name. ALPN offers {@code h2} first, then {@code http/1.1}.
 *
 * <p>Runs on the control plane; reads files (blocking). Anything that cannot be turned into a context is an
 * {@link IllegalArgumentException} naming the listener, so an HTTPS listener is never served without TLS.
 */
final class TlsContexts {

    private TlsContexts() {}

    static SslContext forListener(ManifestSet set, Gateway gateway, Gateway.Listener listener, String id) {
        Gateway.ListenerTls tls = listener.tls()
                .orElseThrow(() -> new IllegalArgumentException("listener " + id
                        + ": protocol HTTPS without tls.certificateRefs (expected: a kubernetes.io/tls Secret)"));
        if (tls.certificateRefs().isEmpty()) {
            throw new IllegalArgumentException(
                    "listener " + id + ": tls.certificateRefs is empty (expected: one" + " kubernetes.io/tls Secret)");
        }
        Gateway.SecretRef ref = tls.certificateRefs().get(0);
        Secret secret = set.secret(ref.namespace(), ref.name())
                .orElseThrow(() -> new IllegalArgumentException(
                        "listener " + id + ": Secret " + ref.namespace() + "/" + ref.name() + " is not declared"));
        byte[] cert = pem(secret, Secret.TLS_CERT_KEY, secret.certFile(), id);
        byte[] key = pem(secret, Secret.TLS_PRIVATE_KEY_KEY, secret.keyFile(), id);
        try (InputStream c = new ByteArrayInputStream(cert);
                InputStream k = new ByteArrayInputStream(key)) {
            return SslContextBuilder.forServer(c, k)
                    // h2 needs TLS 1.2+ with the RFC 9113 cipher suites; clients without ALPN get HTTP/1.1
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "listener " + id + ": Secret " + ref.namespace() + "/" + ref.name()
                            + " does not hold a usable PEM certificate and PKCS#8 key: " + e.getMessage(),
                    e);
        }
    }

    private static byte[] pem(Secret secret, String key, Optional<Path> file, String id) {
        Optional<byte[]> inline = secret.bytes(key);
        if (inline.isPresent()) {
            return inline.get();
        }
        if (file.isPresent()) {
            try {
                return Files.readAllBytes(file.get());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "listener " + id + ": cannot read " + file.get() + " of Secret "
                                + secret.metadata().namespace() + "/"
                                + secret.metadata().name() + ": " + e.getMessage(),
                        e);
            }
        }
        throw new IllegalArgumentException("listener " + id + ": Secret "
                + secret.metadata().namespace() + "/" + secret.metadata().name() + " has no " + key
                + " (expected: data, stringData or a file annotation)");
    }
}
