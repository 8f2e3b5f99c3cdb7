package dev.forge.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Hostile input for every API, as jqwik arbitraries sampled from a fixed seed (a failure names its input and
 * reproduces): request bodies made from a valid one by a single hostile edit, query values and path ids. Each body
 * carries the status the rules give it — 400 for bytes that are not one JSON document, 422 for a document with a
 * value no field may hold — or 0 where any 4xx is right (wrong types, unknown fields: the endpoint's own rules).
 */
public final class HostileInput {

    /** A hostile body: what was done to it, its bytes, and the status it must get (0: any 4xx). */
    public record Body(String label, byte[] bytes, int expected) {
        @Override
        public String toString() {
            return label + " " + new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
        }
    }

    private static final byte[] OVERLONG_SLASH = { (byte) 0xC0, (byte) 0xAF };

    private HostileInput() {
    }

    /**
     * {@code n} samples of {@code arbitrary} from {@code seed}, in a jqwik session of their own: the services'
     * tests run on JUnit Jupiter (Quarkus' extension), where no jqwik property is in charge.
     */
    public static <T> List<T> sample(Arbitrary<T> arbitrary, long seed, int n) {
        var out = new ArrayList<T>();
        JqwikSession.start(String.valueOf(seed));
        try {
            var random = new Random(seed);
            var generator = arbitrary.generator(1000);
            for (int i = 0; i < n; i++) {
                out.add(generator.next(random).value());
            }
        } finally {
            JqwikSession.finish();
        }
        return out;
    }

    /** Text a field may not hold: with a NUL somewhere in it. */
    public static Arbitrary<String> withNul() {
        return Combinators.combine(Arbitraries.strings().ofMaxLength(20), Arbitraries.strings().ofMaxLength(20))
                .as((a, b) -> a + "\u0000" + b);
    }

    /** Bodies made from {@code valid} (a JSON object) by one hostile edit. */
    public static Arbitrary<Body> bodies(ObjectNode valid) {
        var fields = new ArrayList<String>();
        valid.fieldNames().forEachRemaining(fields::add);
        var field = Arbitraries.of(fields);
        return Arbitraries.oneOf(
                Combinators.combine(field, withNul()).as((f, nul) -> body("NUL in '" + f + "'",
                        valid.deepCopy().put(f, nul), 422)),
                withNul().map(key -> body("NUL in a nested key", withNested(valid, key, "v"), 422)),
                Arbitraries.of("1e999999", "-1e999999", "1E400").map(n -> raw("number " + n, valid.toString()
                        .replaceFirst("^\\{", quote("{\"huge\": " + n + ", ")), 422)),
                Arbitraries.of("\\ud800", "\\udfff", "a\\udbffb").map(s -> raw("lone surrogate", valid.toString()
                        .replaceFirst("^\\{", quote("{\"s\": \"" + s + "\", ")), 400)),
                field.map(f -> withBytes("overlong UTF-8 in '" + f + "'", valid, f, OVERLONG_SLASH)),
                Arbitraries.of(new byte[] { (byte) 0xFF, (byte) 0xFE }, new byte[] { (byte) 0xE2, (byte) 0x82 },
                        new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 })
                        .map(b -> withBytes("invalid UTF-8", valid, fields.get(0), b)),
                Arbitraries.of(" xyz", " {}", "]", " 1", valid.toString()).map(t -> raw("trailing data",
                        valid + t, 400)),
                field.map(f -> raw("duplicate key '" + f + "'", valid.toString().replaceFirst("^\\{",
                        quote("{\"" + f + "\": 1, ")), 400)),
                Arbitraries.integers().between(33, 3000).map(depth -> raw("nesting " + depth, valid.toString()
                        .replaceFirst("^\\{", quote("{\"deep\": " + "[".repeat(depth) + "]".repeat(depth) + ", ")),
                        400)),
                Combinators.combine(field, Arbitraries.of("[]", "{}", "true", "12", "\"text\"", "-1.5", "null"))
                        .as((f, v) -> raw("'" + f + "' as " + v, valid.toString().replace("\"" + f + "\":",
                                "\"" + f + "\": " + v + ", \"ignored_" + f + "\":"), 0)),
                Arbitraries.of("", " ", "null", "[]", "\"s\"", "42", "[{}]").map(b -> raw("not an object", b, 0)),
                Arbitraries.integers().between(1, Math.max(1, valid.toString().length() - 1))
                        .map(cut -> raw("truncated", valid.toString().substring(0, cut), 400)));
    }

    private static String quote(String replacement) {
        return Matcher.quoteReplacement(replacement);
    }

    private static ObjectNode withNested(ObjectNode valid, String key, String value) {
        var copy = valid.deepCopy();
        copy.putObject("metadata").put(key, value);
        return copy;
    }

    private static Body body(String label, ObjectNode json, int expected) {
        return new Body(label, json.toString().getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Body raw(String label, String text, int expected) {
        return new Body(label, text.getBytes(StandardCharsets.UTF_8), expected);
    }

    /** The valid body with {@code bytes} inside the string value of {@code field} (replacing its value). */
    private static Body withBytes(String label, ObjectNode valid, String field, byte[] bytes) {
        var marker = "HOSTILE-BYTES-HERE";
        String text = valid.deepCopy().put(field, marker).toString();
        int at = text.indexOf(marker);
        var out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
        return new Body(label, out.toByteArray(), 400);
    }

    /** Values for a whole-number query parameter that no page size or offset can be. */
    public static List<String> badNumbers() {
        return List.of("abc", "-1", "2147483648", "99999999999999999999", "1e3", "0x10", "%00", "1%00", "NaN");
    }

    /** Path ids that are not ids: to be answered as malformed, never as a lookup. */
    public static List<String> badIds() {
        return List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%00", "00000000-0000-0000-0000-00000000000g",
                "1-1-1-1-1", "x".repeat(3000), "%C0%AF", "%F0%9F%98%80");
    }

    /** A JSON object with the given fields set, for building valid bodies. */
    public static ObjectNode object() {
        return JsonValues.MAPPER.createObjectNode();
    }
}
