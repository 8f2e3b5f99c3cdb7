package dev.forge.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one way request JSON enters Forge, over REST and gRPC alike. Refused as malformed (400): bytes that are not
 * UTF-8 (overlong forms, encoded surrogates, truncated sequences: Jackson decodes {@code C0 AF} as '/'), data after the
 * document, duplicate keys, escapes that leave a lone surrogate (PostgreSQL would store '?'), nesting deeper than
 * {@value #MAX_DEPTH}. Refused as invalid (422, naming the field): the NUL character, which no PostgreSQL text or
 * jsonb value can hold (22P05), and numbers beyond a double's range ({@code 1e999999} read as Infinity).
 */
public final class StrictJson {

    /**
     * Deeper than any request Forge defines; bounds the work a hostile body costs. Below 48 so gRPC refuses a deep
     * Struct here (INVALID_ARGUMENT) before protobuf's own limit of 100 message levels (Value and ListValue take two
     * a level) fails the parse, which grpc-java answers UNKNOWN.
     */
    public static final int MAX_DEPTH = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(1000).maxStringLength(20_000_000).build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A body that is not one well-formed JSON document. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A well-formed body with values no field may hold; each problem names its field. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems in the request", null, false,
                    false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private StrictJson() {
    }

    /** The document in {@code bytes}; null for an empty (or all-whitespace) body, which callers refuse as missing. */
    public static JsonNode parse(byte[] bytes) throws Malformed, Invalid {
        String text = utf8(bytes);
        if (text.isBlank()) {
            return null;
        }
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(text)) {
            node = MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            var where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new Malformed("request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Malformed("request body could not be read: " + e.getMessage());
        }
        check(node);
        return node;
    }

    /** The bytes as UTF-8 text, refused when they are not well-formed UTF-8 (never replaced silently). */
    public static String utf8(byte[] bytes) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("request body is not valid UTF-8");
        }
    }

    /** Like {@link #parse(byte[])} for text already decoded (a query parameter). */
    public static JsonNode parse(String text) throws Malformed, Invalid {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Refuses a tree built elsewhere (from a gRPC message) by the same rules: lone surrogates are malformed, NULs and
     * non-finite numbers invalid, depth bounded.
     */
    public static void check(JsonNode node) throws Malformed, Invalid {
        var problems = new ArrayList<String>();
        walk(node, "", 0, problems);
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
    }

    private static void walk(JsonNode node, String path, int depth, List<String> problems) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("request body nests deeper than " + MAX_DEPTH + " levels");
        }
        if (node.isTextual()) {
            text(node.textValue(), path, problems);
        } else if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                problems.add(name(path) + " is a number out of range");
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                text(field.getKey(), child, problems);
                walk(field.getValue(), child, depth + 1, problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", depth + 1, problems);
            }
        }
    }

    private static void text(String value, String path, List<String> problems) throws Malformed {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                problems.add(name(path) + " must not contain the NUL character (\\u0000)");
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Malformed("request body is not valid JSON: " + name(path)
                        + " holds a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")");
            }
        }
    }

    /** A field's path as problems name it, shortened: a hostile key can be long. */
    private static String name(String path) {
        String shown = path.isEmpty() ? "the body" : path;
        var out = new StringBuilder("'");
        shown.codePoints().limit(120).forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) ? '?' : c));
        return out.append(shown.codePointCount(0, shown.length()) > 120 ? "…'" : "'").toString();
    }
}
