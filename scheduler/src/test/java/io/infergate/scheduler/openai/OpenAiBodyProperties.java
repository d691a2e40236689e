package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.testing.Trials;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Properties of the request scanner, the splicer and the restorer over generated OpenAI bodies (seeded trials,
 * {@link Trials}): the scanner reads what a full JSON parser (Jackson) reads, on valid JSON and on any mutation of it
 * that it accepts; it throws nothing but {@link BadRequestBodyException}; and splicing a target name in, then
 * restoring the client's name over the response stream cut anywhere, gives back the original bytes. Each trial is
 * bounded, so a loop fails the test instead of hanging it. docs/reliability.md ("Bad input") lists them.
 */
class OpenAiBodyProperties {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final List<String> KNOWN =
            List.of("model", "stream", "stream_options", "max_tokens", "max_completion_tokens", "prompt", "messages");

    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();

    @Test
    void validBodiesAreReadAsJacksonReadsThem() {
        Trials.run(16_001, 2_000, (random, i) -> {
            Map<String, Object> request = request(random);
            byte[] body = random.nextBoolean()
                    ? JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(request)
                    : JSON.writeValueAsBytes(request);
            ScannedRequest scanned = scanner.scan(body);
            assertAgrees(body, scanned, JSON.readTree(body));
            assertThat(scanned.bodyLength()).isEqualTo(body.length);
        });
    }

    @Test
    void mutatedBodiesAreRejectedCleanlyOrReadAsJacksonReadsThem() {
        int[] rejected = new int[1];
        Trials.run(16_002, 5_000, (random, i) -> {
            byte[] body = JSON.writeValueAsBytes(request(random));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                body = mutate(body, random);
            }
            ScannedRequest scanned;
            try {
                scanned = scanner.scan(body);
            } catch (BadRequestBodyException e) {
                assertThat(e.offset()).isBetween(0, body.length);
                rejected[0]++;
                return;
            }
            // accepted: it must be a JSON object, and the fields the gateway routes on must be what a parser reads
            JsonNode tree;
            try {
                tree = JSON.readTree(body);
            } catch (JacksonException e) {
                throw new AssertionError(
                        "the scanner accepted what Jackson rejects (" + e.getOriginalMessage() + "): " + show(body), e);
            }
            assertThat(tree.isObject()).as(show(body)).isTrue();
            assertAgrees(body, scanned, tree);
        });
        // the mutations must mostly produce invalid bodies, or this property tests little
        assertThat(rejected[0]).isGreaterThan(Trials.count(5_000) / 2);
    }

    /**
     * The gateway splices the target name into the request and restores the client's name in the response; a
     * response that echoes the request body comes back byte for byte, however its chunks are cut.
     */
    @Test
    void spliceThenRestoreGivesBackTheOriginalBytes() {
        Trials.run(16_003, 2_000, (random, i) -> {
            Map<String, Object> request = request(random);
            request.remove("model");
            String clientName = name(random);
            String targetName = name(random);
            byte[] withoutModel = JSON.writeValueAsBytes(request);
            if (clientName.equals(targetName)
                    || new String(withoutModel, StandardCharsets.UTF_8).contains("\"model\"")) {
                return; // a nested "model" member would (rightly) be restored too
            }
            EncodedModelName client = EncodedModelName.of(clientName);
            EncodedModelName target = EncodedModelName.of(targetName);
            byte[] original = ModelSplicer.splice(withoutModel, 0, scanner.scan(withoutModel), client);
            ScannedRequest scanned = scanner.scan(original);
            assertThat(scanned.model()).isEqualTo(clientName);

            byte[] spliced = ModelSplicer.splice(original, 0, scanned, target);
            ScannedRequest again = scanner.scan(spliced);
            assertThat(again.model()).isEqualTo(targetName);
            assertThat(again.maxTokens()).isEqualTo(scanned.maxTokens());
            assertThat(again.stream()).isEqualTo(scanned.stream());
            assertThat(again.promptLength()).isEqualTo(scanned.promptLength());
            assertThat(again.messagesLength()).isEqualTo(scanned.messagesLength());

            ModelNameRestorer restorer = new ModelNameRestorer(target, client);
            ByteArrayOutputStream restored = new ByteArrayOutputStream();
            int at = 0;
            while (at < spliced.length) {
                int n = Math.min(spliced.length - at, 1 + random.nextInt(Math.max(1, spliced.length / 3)));
                restored.writeBytes(restorer.feed(spliced, at, n));
                assertThat(restorer.heldBytes()).isLessThanOrEqualTo(target.tokenLength());
                at += n;
            }
            restored.writeBytes(restorer.finish());
            assertThat(restored.toByteArray()).as(show(spliced)).isEqualTo(original);
        });
    }

    private static void assertAgrees(byte[] body, ScannedRequest scanned, JsonNode tree) {
        String what = show(body);
        JsonNode model = tree.get("model");
        if (scanned.hasModel()) {
            assertThat(model).as(what).isNotNull();
            assertThat(model.isString()).as(what).isTrue();
            assertThat(scanned.model()).as(what).isEqualTo(model.stringValue());
        } else {
            assertThat(model).as(what).isNull();
        }
        JsonNode stream = tree.get("stream");
        assertThat(scanned.stream()).as(what).isEqualTo(stream != null && stream.isBoolean() && stream.booleanValue());
        JsonNode maxTokens = tree.get("max_tokens");
        if (scanned.maxTokens() == ScannedRequest.ABSENT) {
            assertThat(maxTokens == null || maxTokens.isNull()).as(what).isTrue();
        } else {
            assertThat(maxTokens.decimalValue().compareTo(new BigDecimal(scanned.maxTokens())))
                    .as(what)
                    .isZero();
        }
        assertRawValue(body, scanned.promptOffset(), scanned.promptLength(), tree.get("prompt"), what);
        assertRawValue(body, scanned.messagesOffset(), scanned.messagesLength(), tree.get("messages"), what);
    }

    private static void assertRawValue(byte[] body, int offset, int length, JsonNode expected, String what) {
        if (offset == ScannedRequest.ABSENT) {
            assertThat(expected).as(what).isNull();
            return;
        }
        assertThat(expected).as(what).isNotNull();
        assertThat(JSON.readTree(Arrays.copyOfRange(body, offset, offset + length)))
                .as(what)
                .isEqualTo(expected);
    }

    // ---- generators ----

    /** A string over every kind of code point: controls, ASCII, 2-, 3- and 4-byte UTF-8 (no lone surrogates). */
    static String text(SplittableRandom r) {
        int n = r.nextInt(13);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(14);
            b.appendCodePoint(
                    switch (kind) {
                        case 0 -> r.nextInt(0x20);
                        case 1 -> "\"\\/\u007f".charAt(r.nextInt(4));
                        case 2 -> r.nextInt(0x80, 0x800);
                        case 3 -> r.nextInt(0x800, 0xD800);
                        case 4 -> r.nextInt(0xE000, 0x10000);
                        case 5 -> r.nextInt(0x10000, 0x110000);
                        default -> r.nextInt(0x20, 0x7F);
                    });
        }
        return b.toString();
    }

    private static String name(SplittableRandom r) {
        String s = text(r);
        return s.isEmpty() ? "m" : s;
    }

    private static Object scalar(SplittableRandom r) {
        return switch (r.nextInt(7)) {
            case 0 -> text(r);
            case 1 -> r.nextLong();
            case 2 -> r.nextInt(-1000, 1000);
            case 3 -> finite(Double.longBitsToDouble(r.nextLong()));
            case 4 -> new BigInteger(100, new Random(r.nextLong())).negate();
            case 5 -> r.nextBoolean();
            default -> null;
        };
    }

    private static double finite(double d) {
        return Double.isFinite(d) ? d : 0.5;
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    static Object value(SplittableRandom r, int depth) {
        int kind = depth == 0 ? 0 : r.nextInt(4);
        if (kind == 1) {
            List<Object> list = new ArrayList<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                list.add(value(r, depth - 1));
            }
            return list;
        }
        if (kind == 2) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                map.put(text(r), value(r, depth - 1));
            }
            return map;
        }
        return scalar(r);
    }

    /** The fields the scanner reads (each present or not, of a valid type) and other members, in random order. */
    static Map<String, Object> request(SplittableRandom r) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            String key = text(r);
            if (!KNOWN.contains(key)) {
                entries.add(Map.entry(key, nullable(value(r, 4))));
            }
        }
        if (r.nextInt(5) > 0) {
            entries.add(Map.entry("model", text(r)));
        }
        if (r.nextBoolean()) {
            entries.add(Map.entry("stream", nullable(r.nextInt(5) == 0 ? null : r.nextBoolean())));
        }
        if (r.nextBoolean()) {
            entries.add(Map.entry("max_tokens", nullable(r.nextInt(5) == 0 ? null : r.nextLong(0, Long.MAX_VALUE))));
        }
        if (r.nextBoolean()) {
            entries.add(Map.entry("prompt", nullable(value(r, 3))));
        }
        if (r.nextBoolean()) {
            entries.add(Map.entry("messages", nullable(value(r, 4))));
        }
        Collections.shuffle(entries, new Random(r.nextLong()));
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue() == NULL ? null : e.getValue()));
        return out;
    }

    private static final Object NULL = new Object();

    /** Map.entry refuses null values: a JSON null travels as {@link #NULL}. */
    private static Object nullable(Object v) {
        return v == null ? NULL : v;
    }

    private static final byte[][] TOKENS = {
        {'{'},
        {'}'},
        {'['},
        {']'},
        {'"'},
        {'\\'},
        {','},
        {':'},
        {'-'},
        {'0'},
        "1e999999".getBytes(StandardCharsets.US_ASCII),
        "123456789012345678901234567890".getBytes(StandardCharsets.US_ASCII),
        "\"model\":\"x\",".getBytes(StandardCharsets.US_ASCII),
        "\"max_tokens\":-1,".getBytes(StandardCharsets.US_ASCII),
        "\\u0000".getBytes(StandardCharsets.US_ASCII),
        "\\ud800".getBytes(StandardCharsets.US_ASCII),
        "[".repeat(300).getBytes(StandardCharsets.US_ASCII),
        {(byte) 0xC3},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF},
        {0},
        {' '},
        {'\n'}
    };

    /** One random edit: a bit flip, a byte set, a byte or token inserted, a range deleted or doubled, a cut. */
    static byte[] mutate(byte[] body, SplittableRandom r) {
        int at = r.nextInt(body.length + 1);
        int len = r.nextInt(body.length - at + 1);
        return switch (r.nextInt(7)) {
            case 0 -> at < body.length ? with(body, at, (byte) (body[at] ^ (1 << r.nextInt(8)))) : body;
            case 1 -> at < body.length ? with(body, at, (byte) r.nextInt(256)) : body;
            case 2 -> splice(body, at, 0, new byte[] {(byte) r.nextInt(256)});
            case 3 -> splice(body, at, 0, TOKENS[r.nextInt(TOKENS.length)]);
            case 4 -> splice(body, at, len, new byte[0]);
            case 5 -> splice(body, at, 0, Arrays.copyOfRange(body, at, at + len));
            default -> Arrays.copyOf(body, at);
        };
    }

    private static byte[] with(byte[] body, int at, byte b) {
        byte[] out = body.clone();
        out[at] = b;
        return out;
    }

    private static byte[] splice(byte[] body, int at, int remove, byte[] insert) {
        byte[] out = new byte[body.length - remove + insert.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(body, at + remove, out, at + insert.length, body.length - at - remove);
        return out;
    }

    /** A body for a failure message: printable ASCII as is, anything else escaped, long bodies cut. */
    static String show(byte[] body) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(body.length, 400); i++) {
            int c = body[i] & 0xFF;
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return body.length > 400 ? b + "...(" + body.length + " bytes)" : b.toString();
    }
}
