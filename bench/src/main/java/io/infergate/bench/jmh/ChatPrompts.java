package io.infergate.bench.jmh;

import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Chat-completion request bodies whose {@code messages} array is exactly a given number of bytes: what the gateway
 * hands the picker as the prompt once the body is scanned (the scan itself is not part of a decision). Built from a
 * seed, so every run and every test sees the same bytes.
 *
 * <p>The prompts share prefixes the way chat traffic does. {@value #SYSTEM_PROMPTS} system prompts take the first
 * half of the array; each is used by {@value #CONVERSATIONS} / {@value #SYSTEM_PROMPTS} conversations; every
 * conversation is seen at {@value #STAGES} stages, with 0 to 3 earlier exchanges of an eighth of the array each, so a
 * later stage extends an earlier one's prefix; the last user message fills the rest (a half down to an eighth) and
 * starts with a {@value #NONCE_DIGITS}-digit ticket number that {@link Prompt#stamp} rewrites, so every request's
 * last message is new to the prefix index, as a real one is. One conversation in eight targets a LoRA adapter.
 *
 * <p>Not thread-safe: {@link Prompt#stamp} writes into the shared bytes.
 */
final class ChatPrompts {

    static final String BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    static final List<String> ADAPTERS = List.of("sql-lora", "summarize-lora", "translate-lora", "code-lora");
    static final int SYSTEM_PROMPTS = 8;
    static final int CONVERSATIONS = 64;
    static final int STAGES = 4;
    /** One prompt per conversation and stage. */
    static final int COUNT = CONVERSATIONS * STAGES;

    static final int NONCE_DIGITS = 16;
    /** The request's {@code max_tokens}, also its output estimate for the in-flight token load. */
    static final int MAX_TOKENS = 512;

    private static final String TICKET = "Ticket ";
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String[] WORDS = ("the a of to and in for is on that with as it be this are from by at or"
                    + " an was we can you not if will which our your their more all new one use data model request server"
                    + " cache token latency queue endpoint pool gateway cluster node pod service replica batch prefix kernel"
                    + " memory throughput error retry timeout budget tenant policy route header stream chunk response user"
                    + " assistant system question answer summary report table column query index schema customer order"
                    + " invoice payment account region deploy release rollback config value limit metric alert dashboard"
                    + " please explain why how what when should could would might describe compare list steps example"
                    + " first second then finally however because therefore also only each every other same different"
                    + " large small fast slow high low better worse simple complex correct wrong available current previous")
            .split(" ");

    private ChatPrompts() {}

    /**
     * One request: its body, where the {@code messages} array lies in it, and the pick request viewing it.
     *
     * @param model       the target model (base or adapter)
     * @param body        the whole request body
     * @param offset      where the {@code messages} array starts in {@code body}
     * @param length      the array's length in bytes (the requested size)
     * @param nonceOffset where the ticket digits of the last message start in {@code body}
     * @param request     the pick request, its prompt a view of {@code body[offset, offset + length)}
     */
    record Prompt(String model, byte[] body, int offset, int length, int nonceOffset, PickRequest request) {

        /** Writes {@code n} as the ticket number: the last message becomes one the index has not seen. */
        void stamp(long n) {
            for (int i = NONCE_DIGITS - 1; i >= 0; i--) {
                body[nonceOffset + i] = HEX[(int) (n & 0xf)];
                n >>>= 4;
            }
        }

        /** The prompt's estimated tokens, as the gateway counts them (4 bytes a token). */
        long promptTokens() {
            return length / 4;
        }

        String messages() {
            return new String(body, offset, length, StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code count} prompts of exactly {@code sizeBytes} bytes each (conversation {@code i % 64} at stage
     * {@code i / 64 % 4}), in an order shuffled with the seed.
     *
     * @param sizeBytes at least 1,024
     */
    static List<Prompt> build(int sizeBytes, int count, long seed) {
        if (sizeBytes < 1024) {
            throw new IllegalArgumentException("sizeBytes: " + sizeBytes + " (expected: >= 1024)");
        }
        String[] systems = new String[SYSTEM_PROMPTS];
        for (int s = 0; s < SYSTEM_PROMPTS; s++) {
            systems[s] = message(
                    "system",
                    text(
                            new SplittableRandom(seed * 31 + s),
                            "You are assistant " + s + " of the platform team. ",
                            sizeBytes / 2 - wrapper("system")));
        }
        int exchange = sizeBytes / 8;
        int userBudget = exchange / 3 - wrapper("user") - 1; // - 1: the comma between the two messages
        int assistantBudget = exchange - exchange / 3 - wrapper("assistant");
        List<Prompt> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int conversation = i % CONVERSATIONS;
            int stage = i / CONVERSATIONS % STAGES;
            String model = conversation % 8 == 7 ? ADAPTERS.get(conversation / 8 % ADAPTERS.size()) : BASE_MODEL;
            StringBuilder messages = new StringBuilder(sizeBytes)
                    .append('[')
                    .append(systems[conversation * SYSTEM_PROMPTS / CONVERSATIONS]);
            for (int e = 0; e < stage; e++) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003 + conversation * 16L + e);
                messages.append(',')
                        .append(message("user", text(r, "", userBudget)))
                        .append(',')
                        .append(message("assistant", text(r, "", assistantBudget)));
            }
            messages.append(',');
            int last = sizeBytes - messages.length() - wrapper("user") - 1; // - 1: the closing bracket
            if (last < NONCE_DIGITS + TICKET.length() + 8) {
                throw new IllegalStateException("no room for the last message at " + sizeBytes + " bytes");
            }
            String head = TICKET + "0".repeat(NONCE_DIGITS) + ": ";
            int lastStart = messages.length() + wrapper("user") - 2; // the content starts before the closing "}
            messages.append(message("user", text(new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L)), head, last)))
                    .append(']');
            String prefix = "{\"model\":\"" + model + "\",\"messages\":";
            String body = prefix + messages + ",\"stream\":true,\"max_tokens\":" + MAX_TOKENS + "}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            int offset = prefix.length();
            if (messages.length() != sizeBytes || bytes.length != body.length()) {
                throw new IllegalStateException(
                        "prompt of " + messages.length() + " bytes (expected: " + sizeBytes + ", ASCII)");
            }
            int nonce = offset + lastStart + TICKET.length();
            PickRequest request = new PickRequest(
                    "bench-" + i,
                    model,
                    0,
                    sizeBytes,
                    ModelHeaders.DEFAULT_FAIRNESS_ID,
                    "",
                    new PromptBytes(bytes, offset, sizeBytes));
            out.add(new Prompt(model, bytes, offset, sizeBytes, nonce, request));
        }
        Collections.shuffle(out, new Random(seed));
        return out;
    }

    private static String message(String role, String content) {
        return "{\"role\":\"" + role + "\",\"content\":\"" + content + "\"}";
    }

    /** The bytes of a message object besides its content. */
    private static int wrapper(String role) {
        return message(role, "").length();
    }

    /**
     * English-like text of exactly {@code length} characters (ASCII) as it appears inside a JSON string: sentences,
     * paragraphs as {@code \n\n} escapes, now and then a quoted word; starting with {@code head}.
     */
    static String text(SplittableRandom r, String head, int length) {
        StringBuilder sb = new StringBuilder(length + 64).append(head);
        while (sb.length() < length) {
            int words = 6 + r.nextInt(16);
            for (int w = 0; w < words; w++) {
                String word = WORDS[r.nextInt(WORDS.length)];
                if (w == 0) {
                    sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                } else if (r.nextInt(40) == 0) {
                    sb.append(" \\\"").append(word).append("\\\"");
                } else {
                    sb.append(' ').append(word);
                }
            }
            sb.append(r.nextInt(6) == 0 ? "?" : ".");
            sb.append(r.nextInt(5) == 0 ? "\\n\\n" : " ");
        }
        sb.setLength(length);
        // never end inside an escape: a lone backslash would escape the closing quote
        int backslashes = 0;
        for (int i = length - 1; i >= 0 && sb.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        if (backslashes % 2 == 1) {
            sb.setCharAt(length - 1, '.');
        }
        return sb.toString();
    }
}
