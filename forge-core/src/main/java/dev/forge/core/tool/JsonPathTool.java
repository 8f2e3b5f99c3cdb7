package dev.forge.core.tool;

import static dev.forge.core.tool.JsonSchemas.object;
import static dev.forge.core.tool.JsonSchemas.properties;
import static dev.forge.core.tool.JsonSchemas.property;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;

/**
 * {@code json_path}: the values at a JSONPath in a JSON document. The subset every JSONPath implementation agrees on:
 * {@code $}, {@code .name}, {@code ['name']}, {@code [index]} (negative from the end), {@code [*]} / {@code .*} and
 * {@code ..name} (at any depth). The document may be given as JSON or as a string holding JSON.
 */
public final class JsonPathTool extends PureTool {

    public static final String NAME = "json_path";
    private static final int MAX_RESULTS = 10_000;

    private static final ToolSpec SPEC = new ToolSpec(NAME, "Extracts the values at a JSONPath ($.a.b[0], $..name, "
            + "$.items[*].price) from a JSON document.",
            object(properties()
                    .<ObjectNode>set("document", JsonNodeFactory.instance.objectNode().put("description",
                            "The JSON document, or a string holding it"))
                    .set("path", property("string", "The JSONPath, starting with $").put("maxLength", 500)),
                    "document", "path"),
            true);

    public JsonPathTool() {
        super(SPEC);
    }

    @Override
    JsonNode compute(JsonNode arguments) {
        JsonNode document = arguments.get("document");
        if (document.isTextual()) {
            try {
                document = JsonValues.MAPPER.readTree(document.asText());
            } catch (JsonProcessingException e) {
                throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "document is a string but not JSON: "
                        + e.getOriginalMessage());
            }
        }
        var values = select(document, parse(arguments.get("path").asText()));
        var out = JsonNodeFactory.instance.objectNode();
        var array = out.putArray("values");
        values.forEach(array::add);
        out.put("count", values.size());
        return out;
    }

    /** One step of a path: a field name, an index, every child, or a name at any depth. */
    record Step(String name, Integer index, boolean wildcard, boolean deep) {
    }

    static List<Step> parse(String path) {
        if (!path.startsWith("$")) {
            throw invalid(path, "a JSONPath starts with $");
        }
        var steps = new ArrayList<Step>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                boolean deep = i + 1 < path.length() && path.charAt(i + 1) == '.';
                int start = i + (deep ? 2 : 1);
                int end = start;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String name = path.substring(start, end);
                if (name.isEmpty()) {
                    throw invalid(path, "a name is missing at " + start);
                }
                steps.add(name.equals("*") ? new Step(null, null, true, deep) : new Step(name, null, false, deep));
                i = end;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw invalid(path, "'[' at " + i + " is not closed");
                }
                String inner = path.substring(i + 1, close).strip();
                if (inner.equals("*")) {
                    steps.add(new Step(null, null, true, false));
                } else if (inner.length() >= 2 && (inner.startsWith("'") && inner.endsWith("'")
                        || inner.startsWith("\"") && inner.endsWith("\""))) {
                    steps.add(new Step(inner.substring(1, inner.length() - 1), null, false, false));
                } else {
                    try {
                        steps.add(new Step(null, Integer.parseInt(inner), false, false));
                    } catch (NumberFormatException e) {
                        throw invalid(path, "'[" + inner + "]' is neither an index, '*' nor a quoted name");
                    }
                }
                i = close + 1;
            } else {
                throw invalid(path, "unexpected '" + c + "' at " + i);
            }
        }
        return steps;
    }

    static List<JsonNode> select(JsonNode root, List<Step> steps) {
        List<JsonNode> current = List.of(root);
        for (var step : steps) {
            var next = new ArrayList<JsonNode>();
            for (var node : current) {
                if (step.deep()) {
                    collectDeep(node, step, next);
                } else {
                    apply(node, step, next);
                }
                if (next.size() > MAX_RESULTS) {
                    throw new ToolException(ToolException.Kind.REFUSED, "the path selects over " + MAX_RESULTS
                            + " values");
                }
            }
            current = next;
        }
        return current;
    }

    private static void apply(JsonNode node, Step step, List<JsonNode> out) {
        if (step.wildcard()) {
            node.elements().forEachRemaining(out::add);
        } else if (step.index() != null && node.isArray()) {
            int index = step.index() < 0 ? node.size() + step.index() : step.index();
            if (index >= 0 && index < node.size()) {
                out.add(node.get(index));
            }
        } else if (step.name() != null && node.isObject() && node.has(step.name())) {
            out.add(node.get(step.name()));
        }
    }

    private static void collectDeep(JsonNode node, Step step, List<JsonNode> out) {
        apply(node, step, out);
        node.elements().forEachRemaining(child -> collectDeep(child, step, out));
    }

    private static ToolException invalid(String path, String why) {
        return new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "path '" + path + "': " + why);
    }
}
