package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.LoadResult;
import io.infergate.testing.Trials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Properties of manifest loading over mutated manifests (seeded trials, {@link Trials}): whatever the text, {@link
 * Manifests#load(String, String)} returns a result and throws nothing, every problem has a location in the source,
 * and each trial ends within its bound (alias bombs and deep nesting included). The starting points are the
 * fixtures of {@code src/test/resources/manifests}.
 */
class ManifestLoaderProperties {

    private static final Path DIR = Path.of("src/test/resources/manifests");

    private static List<String> fixtures() {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> out = new ArrayList<>();
            for (Path p :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mutatedManifestsLoadWithProblemsAndNeverThrow() {
        List<String> fixtures = fixtures();
        assertThat(fixtures).isNotEmpty();
        Trials.run(16_201, 1_500, (random, i) -> {
            String text = fixtures.get(random.nextInt(fixtures.size()));
            for (int e = random.nextInt(1, 4); e > 0; e--) {
                text = mutate(text, random);
            }
            String source = text;
            LoadResult r = Manifests.load("fuzz.yaml", source);
            assertThat(r).isNotNull();
            assertThat(r.problems()).allSatisfy(p -> assertThat(p.toString()).contains("fuzz.yaml"));
        });
    }

    private static final String[] INSERTS = {
        "\n",
        "\t",
        ": ",
        "- ",
        "---\n",
        "...\n",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "&a ",
        "*a",
        "!!binary ",
        "!custom ",
        "? ",
        "|\n",
        ">-\n",
        "%YAML 1.1\n",
        "\u0000",
        "\uFEFF",
        "\uD800",
        "# c\n",
        "<<: *a\n",
        "99999999999999999999999999999999",
        "-1",
        "1e400",
        ".nan",
        "0x10",
        "~",
        "null",
        "true",
        "apiVersion: v1\nkind: Pod\n",
        "kind: InferencePool\n",
        "kind: Gateway\n",
        "metadata: {name: \"\"}\n",
    };

    private static String mutate(String text, SplittableRandom r) {
        int at = r.nextInt(text.length() + 1);
        int len = r.nextInt(Math.min(200, text.length() - at) + 1);
        return switch (r.nextInt(8)) {
            case 0 -> text.substring(0, at) + INSERTS[r.nextInt(INSERTS.length)] + text.substring(at);
            case 1 -> text.substring(0, at) + text.substring(at + len);
            case 2 -> text.substring(0, at);
            case 3 -> text.substring(0, at) + text.substring(at, at + len) + text.substring(at);
            case 4 ->
                at < text.length()
                        ? text.substring(0, at) + (char) r.nextInt(0x20, 0x7F) + text.substring(at + 1)
                        : text;
            case 5 -> {
                int depth = r.nextInt(1, 3000);
                yield text.substring(0, at) + "x: " + "[".repeat(depth) + "]".repeat(depth) + "\n" + text.substring(at);
            }
            case 6 -> aliasBomb(r) + text;
            default -> new String(randomBytes(r), StandardCharsets.UTF_8);
        };
    }

    /** The "billion laughs" shape: each level refers to the previous one several times. */
    private static String aliasBomb(SplittableRandom r) {
        StringBuilder b = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        int levels = r.nextInt(2, 12);
        for (int l = 1; l < levels; l++) {
            String prev = "*a" + (l - 1);
            b.append("a").append(l).append(": &a").append(l).append(" [");
            for (int k = 0; k < 9; k++) {
                b.append(k > 0 ? ", " : "").append(prev);
            }
            b.append("]\n");
        }
        return b.append("---\n").toString();
    }

    private static byte[] randomBytes(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(0, 4096)];
        r.nextBytes(b);
        return b;
    }
}
