package io.infergate.bench.workload;

import java.util.SplittableRandom;

/**
 * Seeded English-looking text of an exact token length: words from a fixed list, sentences of 6 to 17 words, and
 * exactly {@code 4 * tokens} characters (the gateway's 4-characters-a-token estimate), the last one a newline so
 * that pieces joined end to end stay readable and their token counts add up. Prompts built from the same pieces
 * are equal bytes, which is what the prefix index hashes; pieces drawn from different random states differ
 * within the first few words.
 *
 * <p>Stateless; thread-safe (the caller's generator is not).
 */
public final class Text {

    private static final String[] WORDS = ("the a of to and in for is on that with as it be this are from by at or"
                    + " an was we can you not if will which our your their more all new one use data model request server"
                    + " cache token latency queue endpoint pool gateway cluster node pod service replica batch prefix kernel"
                    + " memory throughput error retry timeout budget tenant policy route header stream chunk response user"
                    + " assistant system question answer summary report table column query index schema customer order"
                    + " invoice payment account region deploy release rollback config value limit metric alert dashboard"
                    + " please explain why how what when should could would might describe compare list steps example"
                    + " first second then finally however because therefore also only each every other same different"
                    + " large small fast slow high low better worse simple complex correct wrong available current previous"
                    + " write code function test review document translate french german spanish poem story recipe travel"
                    + " weather history science music movie book game health sport city country river mountain ocean"
                    + " morning evening week month year price market budget team project meeting email letter plan")
            .split(" ");

    private Text() {}

    /** {@code tokens * 4} characters of text ending in a newline; {@code tokens >= 1}. */
    public static String of(SplittableRandom rnd, int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 1)");
        }
        int chars = tokens * 4;
        StringBuilder sb = new StringBuilder(chars + 16);
        int left = 0;
        while (sb.length() < chars - 1) {
            if (left == 0) {
                left = 6 + rnd.nextInt(12);
                String w = WORDS[rnd.nextInt(WORDS.length)];
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            } else {
                sb.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
            }
            if (--left == 0) {
                sb.append('.');
            }
        }
        sb.setLength(chars - 1);
        return sb.append('\n').toString();
    }
}
