package dev.forge.core.tool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
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
        return problems(schema, value, "arguments");
    }

    /** The same, with paths named from {@code root} ({@code value.amount: …}). */
    public static List<String> problems(JsonNode schema, JsonNode value, String root) {
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
            out.add(path(root, error.getInstanceLocation().toString()) + ": " + error.getMessage());
        }
        return out;
    }

    /**
     * Why a schema cannot be used — it breaks the 2020-12 meta-schema (bundled with the validator, never fetched),
     * does not compile, or names a reference it cannot resolve; empty if it can.
     */
    public static Optional<String> unusable(JsonNode schema) {
        var broken = META_SCHEMA.get().validate(schema);
        if (!broken.isEmpty()) {
            var first = broken.get(0);
            return Optional.of(first.getInstanceLocation() + ": " + first.getMessage());
        }
        try {
            compile(schema);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static final Supplier<Schema> META_SCHEMA = new Supplier<>() {
        private volatile Schema loaded;

        @Override
        public Schema get() {
            if (loaded == null) {
                loaded = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
            }
            return loaded;
        }
    };

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
    private static String path(String root, String pointer) {
        var out = new StringBuilder(root);
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
