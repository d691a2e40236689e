package io.infergate.scheduler.openai;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A model name together with its JSON string encoding, computed once so the hot path only copies bytes.
 * The gateway keeps one per rewrite target (and one per incoming name for the response) instead of
 * escaping per request. The encoding is {@link JsonStrings#escape the one vLLM echoes}: minimal
 * escaping, raw UTF-8 for non-ASCII.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class EncodedModelName {
    private final String name;
    private final byte[] content; // escaped, without quotes

    private EncodedModelName(String name, byte[] content) {
        this.name = name;
        this.content = content;
    }

    /**
     * Encodes {@code name}.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} holds an unpaired surrogate
     */
    public static EncodedModelName of(String name) {
        Objects.requireNonNull(name, "name");
        return new EncodedModelName(name, JsonStrings.escape(name));
    }

    /** The model name as a Java string. */
    public String name() {
        return name;
    }

    /** Length of the JSON string token, including both quotes. */
    public int tokenLength() {
        return content.length + 2;
    }

    /** A fresh copy of the JSON string token, including both quotes. */
    public byte[] token() {
        byte[] t = new byte[content.length + 2];
        writeToken(t, 0);
        return t;
    }

    /** Writes the JSON string token (with quotes) at {@code dst[offset]}; returns the index after it. */
    int writeToken(byte[] dst, int offset) {
        dst[offset] = '"';
        System.arraycopy(content, 0, dst, offset + 1, content.length);
        dst[offset + 1 + content.length] = '"';
        return offset + content.length + 2;
    }

    /** The escaped content without quotes; package-private and never modified. */
    byte[] content() {
        return content;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedModelName other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return new String(token(), StandardCharsets.UTF_8);
    }
}
