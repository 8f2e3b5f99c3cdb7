package dev.forge.input;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Request JSON as every API takes it (REST bodies, the Vert.x routes, gRPC messages turned into JSON): one parser,
 * one set of rules ({@link StrictJson}), one way of refusing — 400 {@code malformed-json} or 422 naming each field.
 */
public final class JsonInput {

    private JsonInput() {
    }

    /** The body's document, or null when it is empty (the validators answer 422 "request body is required"). */
    public static JsonNode body(byte[] bytes) {
        try {
            return StrictJson.parse(bytes);
        } catch (StrictJson.Malformed e) {
            throw InputRefused.malformed(e.getMessage());
        } catch (StrictJson.Invalid e) {
            throw InputRefused.invalid(e.getMessage(), e.problems());
        }
    }

    /** A tree built from another encoding (a gRPC message), checked by the same rules. */
    public static <T extends JsonNode> T checked(T node) {
        try {
            StrictJson.check(node);
            return node;
        } catch (StrictJson.Malformed e) {
            throw InputRefused.malformed(e.getMessage());
        } catch (StrictJson.Invalid e) {
            throw InputRefused.invalid(e.getMessage(), e.problems());
        }
    }
}
