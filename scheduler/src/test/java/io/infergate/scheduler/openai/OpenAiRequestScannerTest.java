package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiRequestScannerTest {
    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();

    private ScannedRequest scan(String json) {
        return scanner.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    private static BadRequestBodyException rejection(OpenAiRequestScanner s, byte[] body) {
        try {
            s.scan(body);
        } catch (BadRequestBodyException e) {
            return e;
        }
        throw new AssertionError("accepted: " + new String(body, StandardCharsets.UTF_8));
    }

    private BadRequestBodyException rejection(String json) {
        return rejection(scanner, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void typicalChatRequest() {
        String body = "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":64}";
        ScannedRequest r = scan(body);
        assertThat(r.model()).isEqualTo("llama");
        assertThat(body.substring(r.modelOffset(), r.modelOffset() + r.modelLength()))
                .isEqualTo("\"llama\"");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.maxTokens()).isEqualTo(64);
        assertThat(r.maxCompletionTokens()).isEqualTo(ScannedRequest.ABSENT);
        assertThat(r.hasPrompt()).isFalse();
        assertThat(body.substring(r.messagesOffset(), r.messagesOffset() + r.messagesLength()))
                .isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(r.objectOffset()).isZero();
        assertThat(r.emptyObject()).isFalse();
        assertThat(r.bodyLength()).isEqualTo(body.length());
    }

    @Test
    void completionRequestWithWhitespaceEverywhere() {
        String body = " \r\n\t{ \"prompt\" :\n \"Say this is a test\" ,\t\"model\"\n:\r\n\"m\" , "
                + "\"max_completion_tokens\" : 7 ,\"stream\" : false }\n ";
        ScannedRequest r = scan(body);
        assertThat(r.model()).isEqualTo("m");
        assertThat(body.substring(r.modelOffset(), r.modelOffset() + r.modelLength()))
                .isEqualTo("\"m\"");
        assertThat(body.substring(r.promptOffset(), r.promptOffset() + r.promptLength()))
                .isEqualTo("\"Say this is a test\"");
        assertThat(r.maxCompletionTokens()).isEqualTo(7);
        assertThat(r.stream()).isFalse();
        assertThat(r.objectOffset()).isEqualTo(4);
    }

    @Test
    void offsetsCountFromTheStartOfTheBodyNotTheArray() {
        byte[] array = "xxxx{\"model\":\"m\"}yyyy".getBytes(StandardCharsets.UTF_8);
        ScannedRequest r = scanner.scan(array, 4, array.length - 8);
        assertThat(r.modelOffset()).isEqualTo(9);
        assertThat(r.objectOffset()).isZero();
        assertThat(r.bodyLength()).isEqualTo(array.length - 8);
        BadRequestBodyException e = rejection(scanner, "{\"model\":}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.offset()).isEqualTo(9);
        byte[] shifted = "xxxx{\"model\":}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> scanner.scan(shifted, 4, shifted.length - 4))
                .isInstanceOfSatisfying(
                        BadRequestBodyException.class,
                        x -> assertThat(x.offset()).isEqualTo(9));
    }

    @Test
    void missingModelIsAbsentNotAnError() {
        ScannedRequest r = scan("{\"prompt\":\"x\"}");
        assertThat(r.hasModel()).isFalse();
        assertThat(r.model()).isNull();
        assertThat(r.modelOffset()).isEqualTo(ScannedRequest.ABSENT);
    }

    @Test
    void emptyObject() {
        ScannedRequest r = scan(" { \n} ");
        assertThat(r.emptyObject()).isTrue();
        assertThat(r.objectOffset()).isEqualTo(1);
        assertThat(r.hasModel()).isFalse();
    }

    @Test
    void escapedModelNamesAreDecoded() {
        assertThat(scan("{\"model\":\"a\\\"b\\\\c\\/d\\n\"}").model()).isEqualTo("a\"b\\c/d\n");
        assertThat(scan("{\"model\":\"\\u00e9\\u4E2D\\ud83d\\ude00\"}").model()).isEqualTo("é中😀");
        assertThat(scan("{\"model\":\"é中😀\"}").model()).isEqualTo("é中😀");
        assertThat(scan("{\"model\":\"\"}").model()).isEmpty();
    }

    @Test
    void escapedKeySpellingsAreTheSameKey() {
        // the model server unescapes keys, so "mod\u0065l" is its model: we must read the same one
        ScannedRequest r = scan("{\"model\":\"first\",\"mod\\u0065l\":\"second\",\"str\\u0065am\":true}");
        assertThat(r.model()).isEqualTo("second");
        assertThat(r.modelOffset()).isEqualTo(30);
        assertThat(r.stream()).isTrue();
        assertThat(scan("{\"m\\u006f\\u0064el\":\"x\"}").model()).isEqualTo("x");
        assertThat(scan("{\"model\\u0000\":\"x\"}").hasModel()).isFalse();
        assertThat(scan("{\"\\u006dodels\":\"x\"}").hasModel()).isFalse();
    }

    @Test
    void duplicateTopLevelKeysKeepTheLastValueLikePythonJson() {
        ScannedRequest r = scan(
                "{\"model\":\"a\",\"stream\":true,\"model\":\"b\",\"stream\":false,"
                        + "\"max_tokens\":1,\"max_tokens\":2,\"stream_options\":{\"include_usage\":false,\"include_usage\":true}}");
        assertThat(r.model()).isEqualTo("b");
        assertThat(r.modelOffset()).isEqualTo(35);
        assertThat(r.stream()).isFalse();
        assertThat(r.maxTokens()).isEqualTo(2);
        assertThat(r.includeUsage()).isTrue();
    }

    @Test
    void onlyTheLastDuplicateIsTypeChecked() {
        assertThat(scan("{\"model\":42,\"model\":\"m\"}").model()).isEqualTo("m");
        assertThat(rejection("{\"model\":\"m\",\"model\":42}").getMessage())
                .isEqualTo("model must be a string, got number at offset 21");
    }

    @Test
    void nestedModelKeysAreIgnored() {
        ScannedRequest r = scan("{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"model\":\"inner\"}],"
                + "\"metadata\":{\"model\":\"meta\",\"stream\":true},\"stream_options\":{\"model\":\"so\"}}");
        assertThat(r.hasModel()).isFalse();
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
    }

    @Test
    void streamNullAndStreamOptionsNullMeanFalse() {
        ScannedRequest r = scan("{\"model\":\"m\",\"stream\":null,\"stream_options\":null}");
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
        assertThat(scan("{\"stream_options\":{\"include_usage\":null}}").includeUsage())
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"model\": 12345}                          | model must be a string, got number at offset 10",
                "{ \"model\" : 12 }                          | model must be a string, got number at offset 12",
                "{\"model\":null}                            | model must be a string, got null at offset 9",
                "{\"model\":[\"a\"]}                         | model must be a string, got array at offset 9",
                "{\"model\":{\"name\":\"a\"}}                | model must be a string, got object at offset 9",
                "{\"model\":true}                            | model must be a string, got boolean at offset 9",
                "{\"stream\":\"true\"}                       | stream must be a boolean, got string at offset 10",
                "{\"stream\":1}                              | stream must be a boolean, got number at offset 10",
                "{\"stream_options\":true}                   | stream_options must be an object, got boolean at offset 18",
                "{\"stream_options\":{\"include_usage\":1}}  | stream_options.include_usage must be a boolean, got number at offset 35",
                "{\"max_tokens\":\"5\"}                      | max_tokens must be an integer, got string at offset 14",
                "{\"max_tokens\":-1}                         | max_tokens must be a non-negative integer at offset 14",
                "{\"max_tokens\":1.5}                        | max_tokens must be an integer, got a fraction at offset 14",
                "{\"max_tokens\":9223372036854775808}        | max_tokens is out of range at offset 14",
                "{\"max_completion_tokens\":1e999999999999}  | max_completion_tokens is out of range at offset 25",
                "{\"max_completion_tokens\":1e30}            | max_completion_tokens is out of range at offset 25",
            })
    void wrongFieldTypes(String body, String message) {
        assertThat(rejection(body.strip()).getMessage()).isEqualTo(message);
    }

    @Test
    void tokenLimitsInAnyIntegralSpelling() {
        assertThat(scan("{\"max_tokens\":100.0}").maxTokens()).isEqualTo(100);
        assertThat(scan("{\"max_tokens\":1e2}").maxTokens()).isEqualTo(100);
        assertThat(scan("{\"max_tokens\":1E+2}").maxTokens()).isEqualTo(100);
        assertThat(scan("{\"max_tokens\":12500e-2}").maxTokens()).isEqualTo(125);
        assertThat(scan("{\"max_tokens\":-0}").maxTokens()).isZero();
        assertThat(scan("{\"max_tokens\":9223372036854775807}").maxTokens()).isEqualTo(Long.MAX_VALUE);
        assertThat(scan("{\"max_tokens\":000000000000000000000001e0}".replace("000000000000000000000001", "1"))
                        .maxTokens())
                .isEqualTo(1);
        assertThat(scan("{\"max_tokens\":null}").maxTokens()).isEqualTo(ScannedRequest.ABSENT);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "[]                         | body is not a JSON object, got array at offset 0",
                "\"model\"                  | body is not a JSON object, got string at offset 0",
                "42                         | body is not a JSON object, got number at offset 0",
                "null                       | body is not a JSON object, got null at offset 0",
                "model=m                    | invalid JSON: expected a JSON object at offset 0",
                "{                          | unexpected end of input at offset 1",
                "{\"model\"                 | unexpected end of input at offset 8",
                "{\"model\":                | unexpected end of input at offset 9",
                "{\"model\":\"m             | unexpected end of input at offset 11",
                "{\"model\":\"m\"           | unexpected end of input at offset 12",
                "{\"model\":\"m\" \"x\":1}  | invalid JSON: expected ',' or '}' at offset 13",
                "{\"model\" \"m\"}          | invalid JSON: expected ':' at offset 9",
                "{model:\"m\"}              | invalid JSON: expected a string key or '}' at offset 1",
                "{\"a\":1,}                 | invalid JSON: expected a string key at offset 7",
                "{\"a\":[1,]}               | invalid JSON: expected a value at offset 8",
                "{\"a\":[1 2]}              | invalid JSON: expected ',' or ']' at offset 8",
                "{\"a\":{\"b\":1]}          | invalid JSON: expected ',' or '}' at offset 11",
                "{\"a\":tru}                | invalid JSON: invalid literal, expected 'true' at offset 8",
                "{\"a\":nul                 | unexpected end of input at offset 8",
                "{\"a\":01}                 | invalid JSON: expected ',' or '}' at offset 6",
                "{\"a\":-}                  | invalid JSON: expected a digit at offset 6",
                "{\"a\":1.}                 | invalid JSON: expected a digit at offset 7",
                "{\"a\":1e}                 | invalid JSON: expected a digit at offset 7",
                "{\"a\":+1}                 | invalid JSON: expected a value at offset 5",
                "{\"a\":.5}                 | invalid JSON: expected a value at offset 5",
                "{\"a\":NaN}                | invalid JSON: expected a value at offset 5",
                "{\"a\":'x'}                | invalid JSON: expected a value at offset 5",
                "{\"a\":\"\\x\"}            | invalid JSON: invalid escape sequence at offset 7",
                "{\"a\":\"\\u12G4\"}        | invalid JSON: invalid hex digit in \\u escape at offset 10",
                "{\"a\":\"\\ud83d\"}        | invalid JSON: unpaired high surrogate in \\u escape, expected '\\u' for the low surrogate at offset 12",
                "{\"a\":\"\\ud83dx\"}       | invalid JSON: unpaired high surrogate in \\u escape, expected '\\u' for the low surrogate at offset 12",
                "{\"a\":\"\\ud83d\\n\"}     | invalid JSON: unpaired high surrogate in \\u escape, expected '\\u' for the low surrogate at offset 13",
                "{\"a\":\"\\ud83d\\u0041\"} | invalid JSON: unpaired high surrogate in \\u escape at offset 12",
                "{\"a\":\"\\ude00\"}        | invalid JSON: unpaired low surrogate in \\u escape at offset 6",
                "{\"a\":1} x                | invalid JSON: unexpected data after the top-level object at offset 8",
                "{\"a\":1}{}                | invalid JSON: unexpected data after the top-level object at offset 7",
            })
    void syntaxErrors(String body, String message) {
        assertThat(rejection(body.strip()).getMessage()).isEqualTo(message);
    }

    @Test
    void whitespaceOnlyAndEmptyBodies() {
        assertThat(rejection("").getMessage()).isEqualTo("request body is empty at offset 0");
        assertThat(rejection(" \n").getMessage()).isEqualTo("unexpected end of input at offset 2");
        assertThat(rejection(" \n [{\"model\":\"m\"}]").getMessage())
                .isEqualTo("body is not a JSON object, got array at offset 3");
        // form feed and vertical tab are not JSON whitespace
        assertThat(rejection("\f{}").getMessage()).isEqualTo("invalid JSON: expected a JSON object at offset 0");
        assertThat(rejection("{\u000b}").getMessage())
                .isEqualTo("invalid JSON: expected a string key or '}' at offset 1");
        // a byte order mark is not JSON either
        assertThat(rejection(new OpenAiRequestScanner(), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'})
                        .offset())
                .isZero();
    }

    @Test
    void controlCharactersInStringsMustBeEscaped() {
        assertThat(rejection("{\"a\":\"x\ty\"}").getMessage())
                .isEqualTo("invalid JSON: unescaped control character 0x09 in string at offset 7");
        assertThat(rejection("{\"a\nb\":1}").getMessage())
                .isEqualTo("invalid JSON: unescaped control character 0x0a in string at offset 3");
        // DEL is not a control character for JSON
        assertThat(scan("{\"model\":\"a\u007fb\"}").model()).isEqualTo("a\u007fb");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "C0 AF", // overlong '/'
                "C1 BF", // overlong
                "E0 80 AF", // overlong 3-byte
                "ED A0 80", // encoded surrogate U+D800
                "F0 80 80 AF", // overlong 4-byte
                "F4 90 80 80", // above U+10FFFF
                "F5 80 80 80", // invalid lead
                "80", // lone continuation
                "FF",
                "C3 28", // lead without continuation
                "E2 82 28",
                "F0 9F 98 28",
            })
    void invalidUtf8InStringsIsRejectedAtTheOffendingByte(String hex) {
        byte[] bad = hexBytes(hex);
        byte[] body = concat(
                "{\"model\":\"a".getBytes(StandardCharsets.US_ASCII), bad, "\"}".getBytes(StandardCharsets.US_ASCII));
        BadRequestBodyException e = rejection(scanner, body);
        assertThat(e.reason()).isEqualTo("invalid UTF-8 in string");
        int firstBad = 11;
        int lead = bad[0] & 0xFF;
        boolean leadIsValid = lead >= 0xC2 && lead <= 0xF4;
        assertThat(e.offset()).isEqualTo(leadIsValid ? firstBad + offendingContinuation(bad) : firstBad);
    }

    private static int offendingContinuation(byte[] seq) {
        // index of the first byte that cannot continue the sequence: every test vector has one
        int lead = seq[0] & 0xFF;
        for (int k = 1; k < seq.length; k++) {
            int c = seq[k] & 0xFF;
            int lo = k == 1 && lead == 0xE0 ? 0xA0 : k == 1 && lead == 0xF0 ? 0x90 : 0x80;
            int hi = k == 1 && lead == 0xED ? 0x9F : k == 1 && lead == 0xF4 ? 0x8F : 0xBF;
            if (c < lo || c > hi) {
                return k;
            }
        }
        throw new AssertionError("valid sequence");
    }

    @Test
    void validUtf8BoundariesAreAccepted() {
        for (String s : new String[] {
            "\u0080",
            "\u07ff",
            "\u0800",
            "\ud7ff",
            "\ue000",
            "\uffff",
            new String(Character.toChars(0x10000)),
            new String(Character.toChars(0x10FFFF))
        }) {
            assertThat(scan("{\"model\":\"" + s + "\"}").model()).isEqualTo(s);
        }
    }

    @Test
    void truncatedUtf8IsEndOfInput() {
        byte[] body = concat("{\"model\":\"".getBytes(StandardCharsets.US_ASCII), hexBytes("F0 9F 98"));
        assertThat(rejection(scanner, body).getMessage()).isEqualTo("unexpected end of input at offset 13");
    }

    @Test
    void numbersInEveryForm() {
        ScannedRequest r =
                scan("{\"a\":[0,-0,1.5,-2.25e10,3E-7,4e+2,0.0e0,1e400,-1E-400,123456789012345678901234567890],"
                        + "\"model\":\"m\"}");
        assertThat(r.model()).isEqualTo("m");
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndBeyondIsRejected() {
        OpenAiRequestScanner s = new OpenAiRequestScanner(4);
        // depth: top object 1, array 2, object 3, array 4
        assertThat(s.scan("{\"a\":[{\"b\":[1]}],\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8))
                        .model())
                .isEqualTo("m");
        BadRequestBodyException e = rejection(s, "{\"a\":[{\"b\":[[1]]}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.getMessage()).isEqualTo("JSON nesting deeper than 4 at offset 12");
    }

    @Test
    void defaultDepthLimitIs128() {
        int depth = OpenAiRequestScanner.DEFAULT_MAX_DEPTH;
        String ok = "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + ",\"model\":\"m\"}";
        assertThat(scan(ok).model()).isEqualTo("m");
        String tooDeep = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        BadRequestBodyException e = rejection(tooDeep);
        assertThat(e.getMessage()).isEqualTo("JSON nesting deeper than 128 at offset " + (5 + depth - 1));
        // a hostile body far beyond the limit fails fast instead of overflowing the stack
        String hostile = "{\"a\":" + "[".repeat(1_000_000);
        assertThat(rejection(hostile).offset()).isEqualTo(5 + depth - 1);
    }

    @Test
    void maxDepthIsValidated() {
        assertThatThrownBy(() -> new OpenAiRequestScanner(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDepth: 0 (expected: 1..1024)");
        assertThatThrownBy(() -> new OpenAiRequestScanner(1025)).isInstanceOf(IllegalArgumentException.class);
        OpenAiRequestScanner flat = new OpenAiRequestScanner(1);
        assertThat(flat.scan("{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8)).stream())
                .isTrue();
        assertThat(rejection(flat, "{\"stream_options\":{}}".getBytes(StandardCharsets.UTF_8))
                        .reason())
                .isEqualTo("JSON nesting deeper than 1");
        assertThat(new OpenAiRequestScanner(OpenAiRequestScanner.MAX_DEPTH_LIMIT)
                        .scan(("{\"a\":" + "[".repeat(1023) + "]".repeat(1023) + "}").getBytes(StandardCharsets.UTF_8))
                        .emptyObject())
                .isFalse();
    }

    @Test
    void hugePromptIsARangeNotACopy() {
        String big = "lorem ipsum \\\"quoted\\\" é ".repeat(8_000); // about 220 KiB
        String body = "{\"model\":\"m\",\"prompt\":\"" + big + "\",\"max_tokens\":16}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isGreaterThan(200 * 1024);
        ScannedRequest r = scanner.scan(bytes);
        assertThat(r.promptLength()).isEqualTo(big.getBytes(StandardCharsets.UTF_8).length + 2);
        assertThat(r.maxTokens()).isEqualTo(16);
        assertThat(bytes[r.promptOffset()]).isEqualTo((byte) '"');
        assertThat(bytes[r.promptOffset() + r.promptLength() - 1]).isEqualTo((byte) '"');
    }

    @Test
    void rangeOutsideTheArrayIsAProgrammingError() {
        assertThatThrownBy(() -> scanner.scan(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    static byte[] hexBytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void theEightByteStringSkipFlagsExactlyTheBytesThatNeedAttention() {
        for (int lane = 0; lane < 8; lane++) {
            for (int v = 0; v < 256; v++) {
                long w = 0x6161616161616161L; // "aaaaaaaa"
                w = (w & ~(0xFFL << (8 * lane))) | ((long) v << (8 * lane));
                boolean special = v < 0x20 || v >= 0x80 || v == '"' || v == '\\';
                Assertions.assertThat(OpenAiRequestScanner.isPlain(w))
                        .as("byte 0x%02x in lane %d", v, lane)
                        .isEqualTo(!special);
            }
        }
    }

    @Test
    void theBranchFreeWordTestAgreesWithTheEightByteTest() {
        int[] values = {0x00, 0x1f, 0x20, 0x21, '"', '\\', 0x5b, 0x5d, 0x61, 0x7f, 0x80, 0xc3, 0xff};
        for (int lane = 0; lane < 8; lane++) {
            for (int v = 0; v < 256; v++) {
                for (int other = 0; other < 8; other++) {
                    for (int u : values) {
                        long w = 0x6161616161616161L;
                        w = (w & ~(0xFFL << (8 * lane))) | ((long) v << (8 * lane));
                        w = (w & ~(0xFFL << (8 * other))) | ((long) u << (8 * other));
                        Assertions.assertThat(OpenAiRequestScanner.attention(w) == 0)
                                .as("word %016x", w)
                                .isEqualTo(OpenAiRequestScanner.isPlain(w));
                    }
                }
            }
        }
    }

    @Test
    void aQuoteOrEscapeAtAnyOffsetOfALongStringEndsOrContinuesItThere() {
        for (int k = 0; k < 80; k++) {
            String prompt = "a".repeat(k) + "\\\"" + "b".repeat(45) + "\u00e9" + "c".repeat(k % 37);
            String json = "{\"prompt\":\"" + prompt + "\",\"model\":\"m" + k + "\"}";
            ScannedRequest r = new OpenAiRequestScanner().scan(json.getBytes(StandardCharsets.UTF_8));
            assertThat(r.model()).as("offset %d", k).isEqualTo("m" + k);
        }
    }
}
