package io.infergate.extproc.server;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Just enough DER (ITU-T X.690) to write one kind of X.509 v3 certificate (RFC 5280): self-signed, an EC key,
 * signed with ecdsa-with-SHA256, a one-RDN subject {@code CN=...}, DNS subject alternative names, key usage
 * digitalSignature and extended key usage serverAuth. The caller signs {@link #selfSignedTbs} with the JDK's
 * {@code Signature} ("SHA256withECDSA", whose output is already the DER ECDSA-Sig-Value) and wraps it with
 * {@link #certificate}. Stateless.
 */
final class X509Der {

    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int UTF8_STRING = 0x0c;
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;
    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int BOOLEAN = 0x01;
    private static final int CONTEXT_0 = 0xa0; // [0] EXPLICIT, constructed
    private static final int CONTEXT_3 = 0xa3; // [3] EXPLICIT, constructed
    private static final int DNS_NAME = 0x82; // GeneralName dNSName: [2] IMPLICIT IA5String

    static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    static final String COMMON_NAME = "2.5.4.3";
    static final String SUBJECT_ALT_NAME = "2.5.29.17";
    static final String KEY_USAGE = "2.5.29.15";
    static final String EXT_KEY_USAGE = "2.5.29.37";
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private X509Der() {}

    /**
     * The TBSCertificate of a self-signed v3 certificate.
     *
     * @param commonName   subject and issuer CN
     * @param serial       a positive serial number (at most 20 octets)
     * @param notBefore    start of validity (whole seconds are kept)
     * @param notAfter     end of validity
     * @param spki         the SubjectPublicKeyInfo, DER ({@code PublicKey.getEncoded()} of an EC key)
     * @param dnsNames     the subject alternative names, at least one
     */
    static byte[] selfSignedTbs(
            String commonName,
            BigInteger serial,
            Instant notBefore,
            Instant notAfter,
            byte[] spki,
            List<String> dnsNames) {
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("serial must be positive");
        }
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS name");
        }
        byte[] name =
                seq(tlv(SET, seq(oid(COMMON_NAME), tlv(UTF8_STRING, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[][] sans = dnsNames.stream()
                .map(n -> tlv(DNS_NAME, n.getBytes(StandardCharsets.US_ASCII)))
                .toArray(byte[][]::new);
        byte[] extensions = seq(
                extension(KEY_USAGE, true, tlv(BIT_STRING, new byte[] {0x07, (byte) 0x80})), // digitalSignature
                extension(EXT_KEY_USAGE, false, seq(oid(SERVER_AUTH))),
                extension(SUBJECT_ALT_NAME, false, seq(sans)));
        return seq(
                tlv(CONTEXT_0, tlv(INTEGER, new byte[] {2})), // version v3
                tlv(INTEGER, serial.toByteArray()),
                seq(oid(ECDSA_WITH_SHA256)),
                name,
                seq(time(notBefore), time(notAfter)),
                name,
                spki,
                tlv(CONTEXT_3, extensions));
    }

    /** The Certificate: the TBSCertificate, the signature algorithm and the signature (DER ECDSA-Sig-Value). */
    static byte[] certificate(byte[] tbs, byte[] signature) {
        byte[] bits = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        return seq(tbs, seq(oid(ECDSA_WITH_SHA256)), tlv(BIT_STRING, bits));
    }

    private static byte[] extension(String id, boolean critical, byte[] value) {
        return critical
                ? seq(oid(id), tlv(BOOLEAN, new byte[] {(byte) 0xff}), tlv(OCTET_STRING, value))
                : seq(oid(id), tlv(OCTET_STRING, value));
    }

    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    private static byte[] time(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        return z.getYear() < 2050
                ? tlv(UTC_TIME, UTC.format(z).getBytes(StandardCharsets.US_ASCII))
                : tlv(GENERALIZED_TIME, GENERALIZED.format(z).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long x = v >>> 7; x != 0; x >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7f);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    static byte[] seq(byte[]... parts) {
        return tlv(SEQUENCE, concat(parts));
    }

    static byte[] tlv(int tag, byte[]... parts) {
        byte[] value = concat(parts);
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int n = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
            out.write(0x80 | n);
            for (int i = n - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
