package io.infergate.scheduler.openai;

import java.util.Objects;

/**
 * Writes a model name into a request body by replacing exactly one token, so every other byte of the
 * client's body reaches the model server unchanged (no re-serialisation, no reordered keys, no numbers
 * passed through floating point, unlike GIE's EPP which re-marshals the whole body).
 *
 * <ul>
 *   <li>When the body has a top-level {@code model}, its string token (the last occurrence, the one
 *       the server reads; see {@link OpenAiRequestScanner}) is replaced by the new token.</li>
 *   <li>When it has none, {@code "model":"<name>"} is inserted right after the opening brace, followed
 *       by a comma unless the object is empty.</li>
 * </ul>
 *
 * <p>The body must be the exact bytes the {@link ScannedRequest} was produced from; nothing is
 * re-validated. A caller holding the body in a composite buffer can instead splice by reference: the
 * prefix {@code [0, modelOffset)}, the {@link EncodedModelName#token() token}, and the suffix from
 * {@code modelOffset + modelLength}.
 *
 * <p>Stateless; safe from any thread. Never blocks.
 */
public final class ModelSplicer {
    private static final byte[] KEY_AND_COLON = {'"', 'm', 'o', 'd', 'e', 'l', '"', ':'};

    private ModelSplicer() {}

    /** The length of the body after splicing {@code model} in: the new {@code Content-Length}. */
    public static int splicedLength(ScannedRequest scanned, EncodedModelName model) {
        if (scanned.hasModel()) {
            return scanned.bodyLength() - scanned.modelLength() + model.tokenLength();
        }
        return scanned.bodyLength() + KEY_AND_COLON.length + model.tokenLength() + (scanned.emptyObject() ? 0 : 1);
    }

    /** The spliced body in a new array of {@link #splicedLength} bytes. */
    public static byte[] splice(byte[] body, int offset, ScannedRequest scanned, EncodedModelName model) {
        byte[] out = new byte[splicedLength(scanned, model)];
        spliceInto(body, offset, scanned, model, out, 0);
        return out;
    }

    /**
     * Writes the spliced body into {@code dst} at {@code dstOffset}.
     *
     * @param body      the array holding the scanned body
     * @param offset    where the body starts in {@code body} (the offset given to the scanner)
     * @param scanned   the scan result of exactly that body
     * @param model     the name to write
     * @param dst       the destination; must not overlap the body
     * @param dstOffset where to start writing
     * @return the number of bytes written, {@link #splicedLength}
     * @throws IndexOutOfBoundsException if the body or the output does not fit its array
     */
    public static int spliceInto(
            byte[] body, int offset, ScannedRequest scanned, EncodedModelName model, byte[] dst, int dstOffset) {
        Objects.requireNonNull(model, "model");
        int bodyLength = scanned.bodyLength();
        int outLength = splicedLength(scanned, model);
        Objects.checkFromIndexSize(offset, bodyLength, body.length);
        Objects.checkFromIndexSize(dstOffset, outLength, dst.length);
        int d = dstOffset;
        if (scanned.hasModel()) {
            int at = scanned.modelOffset();
            System.arraycopy(body, offset, dst, d, at);
            d = model.writeToken(dst, d + at);
            int rest = at + scanned.modelLength();
            System.arraycopy(body, offset + rest, dst, d, bodyLength - rest);
        } else {
            int afterBrace = scanned.objectOffset() + 1;
            System.arraycopy(body, offset, dst, d, afterBrace);
            d += afterBrace;
            System.arraycopy(KEY_AND_COLON, 0, dst, d, KEY_AND_COLON.length);
            d = model.writeToken(dst, d + KEY_AND_COLON.length);
            if (!scanned.emptyObject()) {
                dst[d++] = ',';
            }
            System.arraycopy(body, offset + afterBrace, dst, d, bodyLength - afterBrace);
        }
        return outLength;
    }
}
