package io.infergate.api.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A core {@code v1} Secret; Infergate uses Secrets of type {@code kubernetes.io/tls} as HTTPS listener
 * certificates. Immutable.
 *
 * <p>Without a cluster a certificate is given in one of two ways:
 * <ul>
 *   <li>inline, as Kubernetes does: {@code data} (base64 PEM) or {@code stringData} (plain PEM) with the keys
 *       {@value #TLS_CERT_KEY} and {@value #TLS_PRIVATE_KEY_KEY};</li>
 *   <li>as files, through the annotations {@value #CERT_FILE_ANNOTATION} and {@value #KEY_FILE_ANNOTATION}
 *       (paths relative to the directory of the manifest file that declares the Secret), so that keys need not
 *       be pasted into YAML.</li>
 * </ul>
 * The loader merges {@code stringData} into {@link #data()} (base64-encoding it), as the API server does.
 */
public record Secret(ObjectMeta metadata, Origin origin, String type, Map<String, String> data) implements Resource {

    public static final String KIND = "Secret";
    public static final String TYPE_TLS = "kubernetes.io/tls";
    public static final String TLS_CERT_KEY = "tls.crt";
    public static final String TLS_PRIVATE_KEY_KEY = "tls.key";
    public static final String CERT_FILE_ANNOTATION = "infergate.io/tls-crt-file";
    public static final String KEY_FILE_ANNOTATION = "infergate.io/tls-key-file";

    public Secret {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(type, "type");
        data = Copies.map(data, "data");
    }

    @Override
    public String apiVersion() {
        return "v1";
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The decoded value of a data key, empty when absent.
     *
     * @throws IllegalArgumentException if the value is not base64 (the validator reports that first)
     */
    public Optional<byte[]> bytes(String key) {
        String v = data.get(key);
        return v == null
                ? Optional.empty()
                : Optional.of(Base64.getMimeDecoder().decode(v));
    }

    /** The decoded value of a data key as UTF-8 text (PEM). */
    public Optional<String> text(String key) {
        return bytes(key).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The certificate file named by {@value #CERT_FILE_ANNOTATION}, resolved against the manifest's directory. */
    public Optional<Path> certFile() {
        return file(CERT_FILE_ANNOTATION);
    }

    /** The key file named by {@value #KEY_FILE_ANNOTATION}, resolved against the manifest's directory. */
    public Optional<Path> keyFile() {
        return file(KEY_FILE_ANNOTATION);
    }

    private Optional<Path> file(String annotation) {
        String v = metadata.annotations().get(annotation);
        if (v == null) {
            return Optional.empty();
        }
        Path dir = Path.of(origin.location().file()).toAbsolutePath().getParent();
        return Optional.of(dir == null ? Path.of(v) : dir.resolve(v));
    }
}
