package io.infergate.scheduler.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Generates valid JSON request bodies together with the {@link ScannedRequest} a correct scanner must
 * return for them. Everything comes from one seeded generator, so a failing case is reproducible
 * from its seed. Strings use every legal spelling (short escapes, upper/lower-case u-escapes,
 * surrogate pairs, raw UTF-8 of 1 to 4 bytes), whitespace goes everywhere it may, duplicate keys
 * appear, and nested objects carry their own {@code model} keys that must be ignored.
 */
final class JsonCorpus {
    static final Set<String> KNOWN_KEYS =
            Set.of("model", "stream", "stream_options", "max_tokens", "max_completion_tokens", "prompt", "messages");

    private static final String[] OTHER_KEYS = {
        "temperature",
        "top_p",
        "n",
        "user",
        "seed",
        "tools",
        "metadata",
        "Model",
        "models",
        "model ",
        "stream_option",
        "max_token",
        "include_usage",
        "",
        "x",
        "prompt_logprobs"
    };
    private static final int[] SPECIAL_CODE_POINTS = {
        0xE9, 0x7FF, 0x800, 0x4E2D, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF, 0x3B2
    };

    private final RandomGenerator rnd;
    private final int maxDepth;

    JsonCorpus(long seed, int maxDepth) {
        this.rnd = new Random(seed);
        this.maxDepth = maxDepth;
    }

    /** A generated body and the scan result it must produce. */
    record Generated(byte[] body, ScannedRequest expected) {}

    /** Growable byte buffer that knows its size, for recording offsets while writing. */
    static final class Buf {
        private byte[] bytes = new byte[64];
        private int size;

        int size() {
            return size;
        }

        Buf put(int b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, size * 2);
            }
            bytes[size++] = (byte) b;
            return this;
        }

        Buf put(byte[] b) {
            for (byte x : b) {
                put(x);
            }
            return this;
        }

        Buf ascii(String s) {
            return put(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    // ---- primitives ----

    /** Random JSON whitespace, often none. */
    void ws(Buf out) {
        int kind = rnd.nextInt(8);
        switch (kind) {
            case 0 -> out.ascii(" ");
            case 1 -> out.ascii("\n  ");
            case 2 -> out.ascii("\t");
            case 3 -> out.ascii("\r\n");
            default -> {
                // none
            }
        }
    }

    /** A string with awkward characters: quotes, backslashes, controls, 2-, 3- and 4-byte UTF-8. */
    String text(int maxLength) {
        int n = rnd.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(10);
            int cp = switch (kind) {
                case 0 -> "\"\\/{}[]:,".charAt(rnd.nextInt(9));
                case 1 -> rnd.nextInt(0x20);
                case 2 -> SPECIAL_CODE_POINTS[rnd.nextInt(SPECIAL_CODE_POINTS.length)];
                default -> "abcdefghijklmnopqrstuvwxyz0123456789-_. ".charAt(rnd.nextInt(40));
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** Writes {@code s} as a JSON string token, choosing a random legal spelling for every character. */
    void string(Buf out, String s) {
        out.put('"');
        s.codePoints().forEach(cp -> {
            if (cp == '"') {
                out.ascii(rnd.nextInt(4) == 0 ? "\\u0022" : "\\\"");
            } else if (cp == '\\') {
                out.ascii(rnd.nextInt(4) == 0 ? "\\u005C" : "\\\\");
            } else if (cp == '/') {
                out.ascii(rnd.nextBoolean() ? "\\/" : "/");
            } else if (cp < 0x20) {
                String shortForm = switch (cp) {
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                out.ascii(shortForm != null && rnd.nextBoolean() ? shortForm : uEscape(cp));
            } else if (cp < 0x80) {
                if (rnd.nextInt(12) == 0) {
                    out.ascii(uEscape(cp));
                } else {
                    out.put(cp);
                }
            } else if (rnd.nextInt(3) == 0) {
                for (char c : Character.toChars(cp)) {
                    out.ascii(uEscape(c));
                }
            } else {
                out.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        });
        out.put('"');
    }

    private String uEscape(int unit) {
        String hex = String.format("%04x", unit);
        return "\\u" + (rnd.nextBoolean() ? hex : hex.toUpperCase());
    }

    /** A number in any grammatical form. */
    void number(Buf out) {
        StringBuilder sb = new StringBuilder();
        if (rnd.nextInt(3) == 0) {
            sb.append('-');
        }
        sb.append(rnd.nextInt(4) == 0 ? "0" : Long.toString(1 + rnd.nextLong(1_000_000_000_000L)));
        if (rnd.nextInt(3) == 0) {
            sb.append('.').append(rnd.nextInt(1000));
        }
        if (rnd.nextInt(3) == 0) {
            sb.append(rnd.nextBoolean() ? 'e' : 'E');
            int sign = rnd.nextInt(3);
            sb.append(sign == 0 ? "" : sign == 1 ? "+" : "-");
            sb.append(rnd.nextInt(400));
        }
        out.ascii(sb.toString());
    }

    /** Any JSON value; containers only while below the depth budget. */
    void value(Buf out, int depth) {
        int kind = rnd.nextInt(depth < maxDepth ? 9 : 6);
        switch (kind) {
            case 0, 1 -> string(out, text(12));
            case 2 -> number(out);
            case 3 -> out.ascii("true");
            case 4 -> out.ascii("false");
            case 5 -> out.ascii("null");
            case 6, 7 -> object(out, depth + 1);
            default -> array(out, depth + 1);
        }
    }

    private void object(Buf out, int depth) {
        out.put('{');
        ws(out);
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            // nested "model" keys are frequent on purpose: the scanner must ignore them
            string(out, rnd.nextInt(3) == 0 ? "model" : text(6));
            ws(out);
            out.put(':');
            ws(out);
            value(out, depth);
            ws(out);
            if (i < n - 1) {
                out.put(',');
                ws(out);
            }
        }
        out.put('}');
    }

    private void array(Buf out, int depth) {
        out.put('[');
        ws(out);
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            value(out, depth);
            ws(out);
            if (i < n - 1) {
                out.put(',');
                ws(out);
            }
        }
        out.put(']');
    }

    // ---- requests ----

    private enum Member {
        MODEL,
        STREAM,
        STREAM_OPTIONS,
        MAX_TOKENS,
        MAX_COMPLETION_TOKENS,
        PROMPT,
        MESSAGES,
        OTHER
    }

    /** A request body with random known fields (some duplicated), random other fields and random layout. */
    Generated request() {
        List<Member> members = new ArrayList<>();
        addTimes(members, Member.MODEL, rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(6) == 0 ? 2 : 1);
        addTimes(members, Member.STREAM, rnd.nextInt(3));
        addTimes(members, Member.STREAM_OPTIONS, rnd.nextInt(3));
        addTimes(members, Member.MAX_TOKENS, rnd.nextInt(3));
        addTimes(members, Member.MAX_COMPLETION_TOKENS, rnd.nextInt(2));
        addTimes(members, Member.PROMPT, rnd.nextInt(2));
        addTimes(members, Member.MESSAGES, rnd.nextInt(2));
        addTimes(members, Member.OTHER, rnd.nextInt(5));
        Collections.shuffle(members, (Random) rnd);
        int lastModel = members.lastIndexOf(Member.MODEL);

        Buf out = new Buf();
        ws(out);
        int objectOffset = out.size();
        out.put('{');
        ws(out);
        String model = null;
        int modelOffset = ScannedRequest.ABSENT;
        int modelLength = 0;
        boolean stream = false;
        boolean includeUsage = false;
        long maxTokens = ScannedRequest.ABSENT;
        long maxCompletionTokens = ScannedRequest.ABSENT;
        int promptOffset = ScannedRequest.ABSENT;
        int promptLength = 0;
        int messagesOffset = ScannedRequest.ABSENT;
        int messagesLength = 0;
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            key(out, m);
            ws(out);
            out.put(':');
            ws(out);
            int at = out.size();
            switch (m) {
                case MODEL -> {
                    if (i == lastModel) {
                        model = modelName();
                        string(out, model);
                        modelOffset = at;
                        modelLength = out.size() - at;
                    } else {
                        value(out, 1); // an earlier duplicate may have any type: the last one counts
                    }
                }
                case STREAM -> stream = bool(out);
                case STREAM_OPTIONS -> includeUsage = streamOptions(out);
                case MAX_TOKENS -> maxTokens = tokenLimit(out);
                case MAX_COMPLETION_TOKENS -> maxCompletionTokens = tokenLimit(out);
                case PROMPT -> {
                    prompt(out);
                    promptOffset = at;
                    promptLength = out.size() - at;
                }
                case MESSAGES -> {
                    messages(out);
                    messagesOffset = at;
                    messagesLength = out.size() - at;
                }
                default -> value(out, 1);
            }
            ws(out);
            if (i < members.size() - 1) {
                out.put(',');
                ws(out);
            }
        }
        out.put('}');
        ws(out);
        byte[] body = out.toArray();
        return new Generated(
                body,
                new ScannedRequest(
                        model,
                        modelOffset,
                        modelLength,
                        stream,
                        includeUsage,
                        maxTokens,
                        maxCompletionTokens,
                        promptOffset,
                        promptLength,
                        messagesOffset,
                        messagesLength,
                        objectOffset,
                        members.isEmpty(),
                        body.length));
    }

    /** A plausible or awkward model name. */
    String modelName() {
        return switch (rnd.nextInt(4)) {
            case 0 -> "meta-llama/Llama-3.1-8B-Instruct";
            case 1 -> "lora-" + rnd.nextInt(100);
            default -> text(20);
        };
    }

    private static void addTimes(List<Member> list, Member m, int times) {
        for (int i = 0; i < times; i++) {
            list.add(m);
        }
    }

    private void key(Buf out, Member m) {
        String name = switch (m) {
            case MODEL -> "model";
            case STREAM -> "stream";
            case STREAM_OPTIONS -> "stream_options";
            case MAX_TOKENS -> "max_tokens";
            case MAX_COMPLETION_TOKENS -> "max_completion_tokens";
            case PROMPT -> "prompt";
            case MESSAGES -> "messages";
            case OTHER -> otherKey();
        };
        string(out, name);
    }

    private String otherKey() {
        while (true) {
            String k = rnd.nextBoolean() ? OTHER_KEYS[rnd.nextInt(OTHER_KEYS.length)] : text(8);
            if (!KNOWN_KEYS.contains(k)) {
                return k;
            }
        }
    }

    private boolean bool(Buf out) {
        int k = rnd.nextInt(3);
        out.ascii(k == 0 ? "true" : k == 1 ? "false" : "null");
        return k == 0;
    }

    private boolean streamOptions(Buf out) {
        if (rnd.nextInt(5) == 0) {
            out.ascii("null");
            return false;
        }
        out.put('{');
        ws(out);
        List<Boolean> isIncludeUsage = new ArrayList<>();
        addBools(isIncludeUsage, true, rnd.nextInt(3));
        addBools(isIncludeUsage, false, rnd.nextInt(3));
        Collections.shuffle(isIncludeUsage, (Random) rnd);
        boolean result = false;
        for (int i = 0; i < isIncludeUsage.size(); i++) {
            if (isIncludeUsage.get(i)) {
                string(out, "include_usage");
                ws(out);
                out.put(':');
                ws(out);
                result = bool(out);
            } else {
                string(out, rnd.nextBoolean() ? "continuous_usage_stats" : text(5));
                ws(out);
                out.put(':');
                ws(out);
                value(out, 2);
            }
            ws(out);
            if (i < isIncludeUsage.size() - 1) {
                out.put(',');
                ws(out);
            }
        }
        out.put('}');
        return result;
    }

    private static void addBools(List<Boolean> list, boolean v, int times) {
        for (int i = 0; i < times; i++) {
            list.add(v);
        }
    }

    private long tokenLimit(Buf out) {
        if (rnd.nextInt(6) == 0) {
            out.ascii("null");
            return ScannedRequest.ABSENT;
        }
        long v = rnd.nextInt(3) == 0 ? rnd.nextLong(Long.MAX_VALUE) : rnd.nextInt(100_000);
        switch (rnd.nextInt(6)) {
            case 0 -> out.ascii(v + ".0");
            case 1 -> {
                if (v < 1_000_000) {
                    out.ascii((v * 10) + "e-1");
                } else {
                    out.ascii(Long.toString(v));
                }
            }
            case 2 -> out.ascii(v == 0 ? "0E+5" : Long.toString(v));
            default -> out.ascii(Long.toString(v));
        }
        return v;
    }

    private void prompt(Buf out) {
        if (rnd.nextInt(3) == 0) {
            out.put('[');
            string(out, text(30));
            out.put(',');
            ws(out);
            out.ascii("[1, 2, 3]]");
        } else {
            string(out, text(60));
        }
    }

    private void messages(Buf out) {
        out.put('[');
        ws(out);
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.put('{');
            string(out, "role");
            out.put(':');
            string(out, i % 2 == 0 ? "user" : "assistant");
            out.put(',');
            ws(out);
            string(out, "content");
            out.put(':');
            ws(out);
            string(out, text(40));
            if (rnd.nextBoolean()) {
                // a nested "model" key: never the request's model
                out.put(',');
                string(out, "model");
                out.put(':');
                string(out, modelName());
            }
            out.put('}');
            if (i < n - 1) {
                out.put(',');
                ws(out);
            }
        }
        out.put(']');
    }
}
