package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ModelNameRestorerTest {
    private static final String[] UPSTREAM_NAMES = {
        "meta-llama/Llama-3.1-8B-Instruct", "a", "lora-v2", "we\"ird\\na/me", "模型-β😀", ""
    };
    private static final String[] CLIENT_NAMES = {"food-review", "x", "a\"b", "客户端", "a-much-longer-client-facing-name"
    };

    private static ModelNameRestorer restorer(String upstream, String client) {
        return new ModelNameRestorer(EncodedModelName.of(upstream), EncodedModelName.of(client));
    }

    private static String oneShot(String upstream, String client, String body) {
        ModelNameRestorer r = restorer(upstream, client);
        byte[] in = body.getBytes(StandardCharsets.UTF_8);
        return new String(concat(r.feed(in, 0, in.length), r.finish()), StandardCharsets.UTF_8);
    }

    @Test
    void rewritesCompactAndSpacedMembers() {
        assertThat(oneShot("t", "c", "{\"id\":\"1\",\"model\":\"t\",\"x\":1}"))
                .isEqualTo("{\"id\":\"1\",\"model\":\"c\",\"x\":1}");
        assertThat(oneShot("t", "c", "{\"model\": \"t\"}")).isEqualTo("{\"model\": \"c\"}");
        assertThat(oneShot("t", "c", "{\n  \"model\" :\n\t\"t\"\n}")).isEqualTo("{\n  \"model\" :\n\t\"c\"\n}");
    }

    @Test
    void rewritesEverySseEvent() {
        String sse = "data: {\"object\":\"chat.completion.chunk\",\"model\":\"up\",\"choices\":[]}\n\n"
                + "data: {\"object\":\"chat.completion.chunk\",\"model\":\"up\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
                + "data: [DONE]\n\n";
        assertThat(oneShot("up", "client", sse)).isEqualTo(sse.replace("\"model\":\"up\"", "\"model\":\"client\""));
    }

    @Test
    void leavesOtherValuesAndLookalikesAlone() {
        String[] untouched = {
            "{\"model\":\"other\"}",
            "{\"model\":\"ta\"}", // a prefix of the target
            "{\"model\":\"tab\"}", // the target is a prefix of the value
            "{\"model\":\"xtar\"}",
            "{\"model\":null}",
            "{\"model\":[\"tar\"]}",
            "{\"models\":\"tar\"}",
            "{\"xmodel\":\"tar\"}",
            "{\"x\\\"model\":\"tar\"}", // a key that ends in "model" via an escaped quote
            "{\"content\":\"\\\"model\\\":\\\"tar\\\"\"}", // the pattern as text inside a string
            "[\"model\",\"tar\"]",
            "{\"model\":\"tar\\\"\"}", // target followed by an escaped quote: different value
            "{\"model\":\"t\\u0061r\"}", // escaped spelling: not what servers write
        };
        for (String body : untouched) {
            assertThat(oneShot("tar", "c", body)).as(body).isEqualTo(body);
        }
    }

    @Test
    void rewritesNestedMembersAndEscapedNames() {
        assertThat(oneShot("tar", "c", "{\"a\":{\"model\":\"tar\"},\"b\":[{\"model\":\"tar\"}]}"))
                .isEqualTo("{\"a\":{\"model\":\"c\"},\"b\":[{\"model\":\"c\"}]}");
        assertThat(oneShot("we\"ird\\name", "x\"y", "{\"model\":\"we\\\"ird\\\\name\"}"))
                .isEqualTo("{\"model\":\"x\\\"y\"}");
        assertThat(oneShot("", "c", "{\"model\":\"\",\"model\":\"x\"}")).isEqualTo("{\"model\":\"c\",\"model\":\"x\"}");
        assertThat(oneShot("模型", "é", "{\"model\":\"模型\"}")).isEqualTo("{\"model\":\"é\"}");
    }

    @Test
    void oneByteAtATimeHoldsBackOnlyTheCandidateValue() {
        ModelNameRestorer r = restorer("abcdef", "Z");
        byte[] in = "{\"model\" : \"abcdefg\",\"model\":\"abcdef\"}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int maxHeld = 0;
        for (int i = 0; i < in.length; i++) {
            byte[] o = r.feed(in, i, 1);
            out.writeBytes(o);
            maxHeld = Math.max(maxHeld, r.heldBytes());
            // key, colon and whitespace are never held
            if (in[i] == ':' || in[i] == ' ' || in[i] == 'l') {
                assertThat(o).hasSize(1);
            }
        }
        out.writeBytes(r.finish());
        assertThat(maxHeld).isEqualTo(6);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"model\" : \"abcdefg\",\"model\":\"Z\"}");
    }

    @Test
    void finishReleasesAnOpenCandidateAndResets() {
        ModelNameRestorer r = restorer("abc", "Z");
        byte[] in = "{\"model\":\"ab".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(r.feed(in, 0, in.length), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"");
        assertThat(r.heldBytes()).isEqualTo(2);
        assertThat(new String(r.finish(), StandardCharsets.UTF_8)).isEqualTo("ab");
        assertThat(r.heldBytes()).isZero();
        byte[] next = "c\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(r.feed(next, 0, next.length), StandardCharsets.UTF_8))
                .isEqualTo("c\"}");
    }

    @Test
    void sinkReceivesSlicesOfTheInputAndOnlyInsertsWhatIsNew() {
        ModelNameRestorer r = restorer("up", "client");
        ByteBuffer chunk = ByteBuffer.wrap("xx{\"model\":\"up\"}yy".getBytes(StandardCharsets.UTF_8), 2, 14);
        List<String> events = new ArrayList<>();
        r.feed(chunk, new ModelNameRestorer.Sink() {
            @Override
            public void passThrough(ByteBuffer c, int from, int to) {
                events.add("pass " + from + ".." + to);
            }

            @Override
            public void insert(byte[] bytes, int offset, int length) {
                events.add("insert " + new String(bytes, offset, length, StandardCharsets.UTF_8));
            }
        });
        assertThat(events).containsExactly("pass 2..12", "insert client", "pass 14..16");
        assertThat(chunk.position()).isEqualTo(2);
        assertThat(chunk.limit()).isEqualTo(16);
    }

    /** Every single split point, for every pair of names, gives the generator's expected output. */
    @Test
    void everySplitPointGivesTheExpectedOutput() {
        RandomGenerator rnd = new Random(11);
        for (String upstream : UPSTREAM_NAMES) {
            for (String client : CLIENT_NAMES) {
                for (boolean sse : new boolean[] {true, false}) {
                    ResponsePair pair = new ResponseGenerator(rnd, upstream).generate(client, sse, 3);
                    byte[] in = pair.upstream();
                    for (int k = 0; k <= in.length; k++) {
                        ModelNameRestorer r = restorer(upstream, client);
                        byte[] out = concat(r.feed(in, 0, k), r.feed(in, k, in.length - k), r.finish());
                        assertThat(new String(out, StandardCharsets.UTF_8))
                                .as("split at %d of %s", k, new String(in, StandardCharsets.UTF_8))
                                .isEqualTo(new String(pair.expected(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    /** Random multi-splits, including runs of 1-byte chunks, of many generated bodies. */
    @Test
    void randomMultiSplitsGiveTheExpectedOutputAndHoldLittle() {
        RandomGenerator rnd = new Random(12);
        for (int i = 0; i < 400; i++) {
            String upstream = UPSTREAM_NAMES[rnd.nextInt(UPSTREAM_NAMES.length)];
            String client = CLIENT_NAMES[rnd.nextInt(CLIENT_NAMES.length)];
            ResponsePair pair =
                    new ResponseGenerator(rnd, upstream).generate(client, rnd.nextBoolean(), 1 + rnd.nextInt(6));
            byte[] in = pair.upstream();
            int limit = EncodedModelName.of(upstream).tokenLength() - 2;
            for (int round = 0; round < 20; round++) {
                ModelNameRestorer r = restorer(upstream, client);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int at = 0;
                while (at < in.length) {
                    int n = Math.min(in.length - at, rnd.nextInt(4) == 0 ? rnd.nextInt(200) : 1 + rnd.nextInt(8));
                    out.writeBytes(r.feed(in, at, n));
                    at += n;
                    assertThat(r.heldBytes()).isLessThanOrEqualTo(limit);
                }
                out.writeBytes(r.finish());
                assertThat(out.toByteArray()).isEqualTo(pair.expected());
            }
        }
    }

    /** Arbitrary bytes over an adversarial alphabet: any split gives the same output as one piece. */
    @Test
    void splitsNeverChangeTheOutputEvenForGarbage() {
        RandomGenerator rnd = new Random(13);
        byte[] alphabet = "\"model: \t\\ta,{}\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3_000; i++) {
            String upstream = rnd.nextBoolean() ? "ta" : "t\\a\"";
            byte[] in = new byte[rnd.nextInt(60)];
            for (int j = 0; j < in.length; j++) {
                in[j] = rnd.nextInt(6) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
            }
            // sprinkle real patterns in
            String s = new String(in, StandardCharsets.ISO_8859_1);
            if (rnd.nextBoolean()) {
                s = s.substring(0, s.length() / 2) + "\"model\":\"" + (upstream.equals("ta") ? "ta" : "t\\\\a\\\"")
                        + "\"" + s.substring(s.length() / 2);
            }
            in = s.getBytes(StandardCharsets.ISO_8859_1);
            ModelNameRestorer whole = restorer(upstream, "C");
            byte[] expected = concat(whole.feed(in, 0, in.length), whole.finish());
            ModelNameRestorer r = restorer(upstream, "C");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < in.length) {
                int n = Math.min(in.length - at, 1 + rnd.nextInt(5));
                out.writeBytes(r.feed(in, at, n));
                at += n;
            }
            out.writeBytes(r.finish());
            assertThat(out.toByteArray()).isEqualTo(expected);
        }
    }

    @Test
    void hugeBodyPassesThroughWithoutBuffering() {
        ModelNameRestorer r = restorer("up", "c");
        String content = "{\"model\":\"up\",\"content\":\"" + "x".repeat(300 * 1024) + "\",\"model\":\"up\"}";
        byte[] in = content.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < in.length; at += 8192) {
            int n = Math.min(8192, in.length - at);
            byte[] o = r.feed(in, at, n);
            assertThat(o.length).isGreaterThanOrEqualTo(n - 2);
            out.writeBytes(o);
        }
        out.writeBytes(r.finish());
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo(content.replace("\"model\":\"up\"", "\"model\":\"c\""));
    }

    // ---- generator of response bodies with known expected output ----

    record ResponsePair(byte[] upstream, byte[] expected) {}

    /** Writes the same response twice: as the server sends it and as the client must receive it. */
    private static final class ResponseGenerator {
        private final RandomGenerator rnd;
        private final String upstream;
        private final ByteArrayOutputStream in = new ByteArrayOutputStream();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private String client;

        ResponseGenerator(RandomGenerator rnd, String upstream) {
            this.rnd = rnd;
            this.upstream = upstream;
        }

        ResponsePair generate(String clientName, boolean sse, int events) {
            this.client = clientName;
            for (int e = 0; e < events; e++) {
                if (sse) {
                    both("data: ");
                }
                event(sse);
                both(sse ? "\n\n" : "\n");
            }
            if (sse) {
                both("data: [DONE]\n\n");
            }
            return new ResponsePair(in.toByteArray(), out.toByteArray());
        }

        private void both(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            in.writeBytes(b);
            out.writeBytes(b);
        }

        private void ws(boolean sse) {
            // SSE data lines cannot hold newlines
            String[] options =
                    sse ? new String[] {"", "", " ", "  ", "\t"} : new String[] {"", " ", "\n  ", "\t", "\r\n"};
            both(options[rnd.nextInt(options.length)]);
        }

        private void event(boolean sse) {
            both("{\"id\":\"chatcmpl-" + rnd.nextInt(1000) + "\",");
            ws(sse);
            modelMember(sse);
            both(",\"choices\":[{\"index\":0,\"delta\":{\"content\":");
            both(EncodedModelName.of(trickyText()).toString());
            both("}");
            if (rnd.nextBoolean()) {
                both(",");
                modelMember(sse);
            }
            both("}]");
            for (int i = rnd.nextInt(3); i > 0; i--) {
                both(",");
                decoy(sse);
            }
            both("}");
        }

        /** A real "model" member, whose value is the target or something close to it. */
        private void modelMember(boolean sse) {
            both("\"model\"");
            ws(sse);
            both(":");
            ws(sse);
            int kind = rnd.nextInt(6);
            if (kind < 3) {
                in.writeBytes(EncodedModelName.of(upstream).token());
                out.writeBytes(EncodedModelName.of(client).token());
            } else if (kind == 3 && !upstream.isEmpty()) {
                // the target minus its last code point: a prefix, which must not match
                int cut = upstream.offsetByCodePoints(upstream.length(), -1);
                both(EncodedModelName.of(upstream.substring(0, cut)).toString());
            } else if (kind == 4) {
                both(EncodedModelName.of(upstream + "-suffix").toString());
            } else {
                both(rnd.nextBoolean() ? "null" : "\"other\"");
            }
        }

        /** Members that look like the pattern but are not a "model" member with the target value. */
        private void decoy(boolean sse) {
            String target = EncodedModelName.of(upstream).toString();
            switch (rnd.nextInt(5)) {
                case 0 -> both("\"models\":" + target);
                case 1 -> both("\"x\\\"model\":" + target);
                case 2 -> both("\"text\":" + EncodedModelName.of("\"model\":" + target));
                case 3 -> both("\"list\":[\"model\"," + target + "]");
                default -> {
                    both("\"usage\":");
                    ws(sse);
                    both("{\"prompt_tokens\":" + rnd.nextInt(100) + "}");
                }
            }
        }

        private String trickyText() {
            String[] parts = {"hello", " ", "\"model\"", ":", upstream, "\\", "é", "😀", "\n", "model"};
            StringBuilder sb = new StringBuilder();
            for (int i = rnd.nextInt(6); i > 0; i--) {
                sb.append(parts[rnd.nextInt(parts.length)]);
            }
            return sb.toString();
        }
    }

    private static byte[] concat(byte[]... parts) {
        return OpenAiRequestScannerTest.concat(parts);
    }
}
