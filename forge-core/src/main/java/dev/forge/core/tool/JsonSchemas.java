package dev.forge.core.tool;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema subset tool parameters use — {@code type} (object, string, number, integer, boolean, array),
 * {@code properties}, {@code required}, {@code additionalProperties: false}, {@code enum}, {@code items},
 * {@code minimum}/{@code maximum}, {@code maxLength} — to check arguments before a call, every problem listed with its
 * path; and small builders for writing such schemas.
 */
public final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchemas() {
    }

    /** Every way {@code value} breaks {@code schema}; empty when it conforms. */
    public static List<String> problems(JsonNode schema, JsonNode value) {
        var out = new ArrayList<String>();
        check(schema, value, "arguments", out);
        return out;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (schema == null || schema.isMissingNode()) {
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            out.add(path + " must be " + (type.equals("array") || type.equals("object") || type.equals("integer")
                    ? "an " : "a ") + type + ", not " + describe(value));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                out.add(path + " must be one of " + schema.get("enum"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                out.add(path + " must be at least " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                out.add(path + " must be at most " + schema.get("maximum"));
            }
        }
        if (value.isTextual() && schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
            out.add(path + " is longer than " + schema.get("maxLength") + " characters");
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", out);
            }
        }
        if (value.isObject()) {
            var properties = schema.path("properties");
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText()) || value.get(required.asText()).isNull()) {
                    out.add(path + "." + required.asText() + " is required");
                }
            }
            value.fields().forEachRemaining(field -> {
                if (properties.has(field.getKey())) {
                    if (!field.getValue().isNull()) {
                        check(properties.get(field.getKey()), field.getValue(), path + "." + field.getKey(), out);
                    }
                } else if (schema.path("additionalProperties").isBoolean()
                        && !schema.get("additionalProperties").asBoolean()) {
                    out.add(path + "." + field.getKey() + " is not a parameter (known: "
                            + String.join(", ", iterable(properties.fieldNames())) + ")");
                }
            });
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(
                    value.asDouble());
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        var out = new ArrayList<String>();
        names.forEachRemaining(out::add);
        return out;
    }

    // --- builders ----------------------------------------------------------------------------------------------

    /** An object schema with these properties, closed to others. */
    public static ObjectNode object(ObjectNode properties, String... required) {
        var schema = NODES.objectNode().put("type", "object");
        schema.set("properties", properties);
        ArrayNode req = schema.putArray("required");
        for (String r : required) {
            req.add(r);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    public static ObjectNode properties() {
        return NODES.objectNode();
    }

    public static ObjectNode property(String type, String description) {
        return NODES.objectNode().put("type", type).put("description", description);
    }
}
