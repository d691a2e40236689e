package io.infergate.extproc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The certificate and private key the picker serves TLS with, as PEM text: read from a directory holding
 * {@code tls.crt} and {@code tls.key} (a Kubernetes TLS Secret mounted as a volume; the reference picker's
 * {@code --cert-path}), or generated at start: a self-signed EC P-256 certificate valid for ten years, as the
 * reference picker does when no certificate is given (gateways connect to it without verifying; GIE {@code
 * cmd/epp/runner/runner.go}, {@code --secure-serving}). Immutable.
 */
public record ServingCertificate(String certificatePem, String privateKeyPem) {

    public ServingCertificate {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    /**
     * Reads {@code tls.crt} and {@code tls.key} from the directory.
     *
     * @throws UncheckedIOException naming the file when one cannot be read
     */
    public static ServingCertificate fromDirectory(Path dir) {
        return new ServingCertificate(read(dir.resolve("tls.crt")), read(dir.resolve("tls.key")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new self-signed certificate for {@code localhost} and the given host name: subject and issuer
     * {@code CN=infergate-epp}, both names as DNS subject alternative names, key usage digitalSignature (critical),
     * extended key usage serverAuth, valid from an hour ago for ten years. Encoded by {@link X509Der} and signed
     * with SHA256withECDSA through the JDK's own providers.
     */
    public static ServingCertificate selfSigned(String hostName) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = gen.generateKeyPair();
            Instant now = Instant.now();
            byte[] tbs = X509Der.selfSignedTbs(
                    SUBJECT_CN,
                    new BigInteger(63, new SecureRandom()).add(BigInteger.ONE),
                    now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(3650)),
                    keys.getPublic().getEncoded(),
                    localhostAnd(hostName));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] der = X509Der.certificate(tbs, signer.sign());
            return new ServingCertificate(
                    pem("CERTIFICATE", der),
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** The common name of the generated certificate's subject and issuer. */
    public static final String SUBJECT_CN = "infergate-epp";

    private static List<String> localhostAnd(String hostName) {
        return hostName == null || hostName.isBlank() || hostName.equals("localhost")
                ? List.of("localhost")
                : List.of("localhost", hostName);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
