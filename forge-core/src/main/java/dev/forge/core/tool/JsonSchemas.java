package dev.forge.core.tool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * Checks tool arguments against the tool's parameter schema — JSON Schema 2020-12 (or the dialect its
 * {@code $schema} names), validated by networknt's json-schema-validator, so {@code $ref}, {@code anyOf}/{@code oneOf},
 * {@code pattern}, {@code minLength}, type arrays and the rest are enforced as the schema's author meant, also for MCP
 * servers' schemas. Every problem is listed with its path ({@code arguments.items[2].name: …}). References are resolved
 * within the schema only: a {@code $ref} to a URL is never fetched (a tool or MCP server's schema must not make the
 * worker send requests). Also small builders for writing schemas.
 */
public final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, registry -> registry.schemaLoader(loader -> loader
                    .fetchRemoteResources(false)));
    /** Compiled schemas by their text: tools and MCP servers offer few, and compiling one costs far more than a call. */
    private static final int CACHED = 512;
    private static final Map<String, Schema> COMPILED = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
                    return size() > CACHED;
                }
            });

    private JsonSchemas() {
    }

    /** Every way {@code value} breaks {@code schema}; empty when it conforms (or no schema is declared). */
    public static List<String> problems(JsonNode schema, JsonNode value) {
        if (schema == null || schema.isMissingNode() || schema.isNull()) {
            return List.of();
        }
        Schema compiled;
        try {
            compiled = compile(schema);
        } catch (RuntimeException e) {
            return List.of("the parameter schema cannot be used: " + e.getMessage());
        }
        var out = new ArrayList<String>();
        for (var error : compiled.validate(value)) {
            out.add(path(error.getInstanceLocation().toString()) + ": " + error.getMessage());
        }
        return out;
    }

    private static Schema compile(JsonNode schema) {
        String key = schema.toString();
        var found = COMPILED.get(key);
        if (found == null) {
            found = REGISTRY.getSchema(schema);
            // references are resolved now, so an unusable one fails here rather than on some later call
            found.initializeValidators();
            COMPILED.put(key, found);
        }
        return found;
    }

    /** A JSON pointer ({@code /items/2/name}) as a path a reader follows ({@code arguments.items[2].name}). */
    private static String path(String pointer) {
        var out = new StringBuilder("arguments");
        if (pointer.isEmpty() || pointer.equals("/")) {
            return out.toString();
        }
        for (String segment : pointer.substring(1).split("/", -1)) {
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                out.append('[').append(name).append(']');
            } else {
                out.append('.').append(name);
            }
        }
        return out.toString();
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
