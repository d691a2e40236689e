package io.infergate.extproc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-signed certificate our own DER encoder writes, read back by the JDK's X.509 parser. */
class ServingCertificateTest {

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    @Test
    void theJdkParsesItWithSubjectNamesValidityAndUsages() throws Exception {
        Instant before = Instant.now();
        ServingCertificate cert = ServingCertificate.selfSigned("epp.llm.svc");
        X509Certificate x = parse(cert.certificatePem());

        assertThat(x.getVersion()).isEqualTo(3);
        assertThat(x.getSubjectX500Principal().getName()).isEqualTo("CN=infergate-epp");
        assertThat(x.getIssuerX500Principal()).isEqualTo(x.getSubjectX500Principal());
        assertThat(x.getSerialNumber().signum()).isPositive();
        assertThat(x.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(x.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(x.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"), List.of(2, "epp.llm.svc"));
        assertThat(x.getNotBefore().toInstant())
                .isBetween(
                        before.minus(Duration.ofHours(1)).minusSeconds(2),
                        before.minus(Duration.ofHours(1)).plusSeconds(2));
        assertThat(Duration.between(
                        x.getNotBefore().toInstant(), x.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(3650).plusHours(1));
        x.checkValidity();
        assertThat(x.getCriticalExtensionOIDs()).containsExactly("2.5.29.15");
        assertThat(x.getKeyUsage()).startsWith(true, false, false, false, false, false, false, false);
        assertThat(x.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(x.getBasicConstraints()).isEqualTo(-1); // not a CA

        x.verify(x.getPublicKey()); // self-signed: its own key verifies the signature
        PrivateKey key =
                KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(cert.privateKeyPem())));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(x.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertThat(s.verify(sig))
                .as("the private key belongs to the certificate")
                .isTrue();
    }

    @Test
    void localhostIsNotListedTwice() throws Exception {
        assertThat(parse(ServingCertificate.selfSigned("localhost").certificatePem())
                        .getSubjectAlternativeNames())
                .containsExactly(List.of(2, "localhost"));
    }

    @Test
    void datesFrom2050AreGeneralizedTimeAndLongValuesUseLongFormLengths() throws Exception {
        Instant from = Instant.parse("2049-12-31T23:00:00Z");
        Instant to = Instant.parse("2151-01-02T03:04:05Z");
        String longName = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".example";
        var gen = KeyPairGenerator.getInstance("EC");
        var keys = gen.generateKeyPair();
        byte[] tbs = X509Der.selfSignedTbs(
                "x",
                BigInteger.valueOf(Long.MAX_VALUE),
                from,
                to,
                keys.getPublic().getEncoded(),
                List.of(longName));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(tbs);
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(X509Der.certificate(tbs, s.sign())));
        assertThat(x.getNotBefore().toInstant()).isEqualTo(from);
        assertThat(x.getNotAfter().toInstant()).isEqualTo(to);
        assertThat(x.getSubjectAlternativeNames()).containsExactly(List.of(2, longName));
        x.verify(keys.getPublic());
    }
}
