package dev.forge.core.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

/**
 * Reads run overrides from their JSON form:
 * {@code {"model": "...", "models": {"exec": "..."}, "tools": {"exec": ["t"]}, "max_tokens": 512,
 * "timeout": "60s", "parameters": {...}, "interrupt_before": ["exec"], "interrupt_after": "*"}}.
 */
public final class RunOverridesJson {

    private static final Set<String> KEYS = Set.of("model", "models", "tools", "max_tokens", "timeout", "parameters",
            "interrupt_before", "interrupt_after");

    private RunOverridesJson() {
    }

    /** The overrides, or every problem with them. */
    public record Parsed(RunOverrides overrides, List<String> problems) {
    }

    public static Parsed parse(JsonNode node) {
        var problems = new ArrayList<String>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Parsed(RunOverrides.NONE, problems);
        }
        if (!node.isObject()) {
            problems.add("overrides must be an object");
            return new Parsed(RunOverrides.NONE, problems);
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                problems.add("overrides." + k + " is not a known override (known: " + KEYS.stream().sorted().toList()
                        + ")");
            }
        });
        String model = null;
        if (node.has("model")) {
            if (node.get("model").isTextual() && !node.get("model").asText().isBlank()) {
                model = node.get("model").asText();
            } else {
                problems.add("overrides.model must be a non-empty string");
            }
        }
        var models = new LinkedHashMap<String, String>();
        if (node.has("models")) {
            if (!node.get("models").isObject()) {
                problems.add("overrides.models must map executor ids to model names");
            } else {
                node.get("models").fields().forEachRemaining(e -> {
                    if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                        models.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.add("overrides.models." + e.getKey() + " must be a model name");
                    }
                });
            }
        }
        var tools = new LinkedHashMap<String, List<String>>();
        if (node.has("tools")) {
            if (!node.get("tools").isObject()) {
                problems.add("overrides.tools must map executor ids to lists of tool names");
            } else {
                node.get("tools").fields().forEachRemaining(e -> {
                    var list = new ArrayList<String>();
                    if (e.getValue().isArray()) {
                        e.getValue().forEach(t -> {
                            if (t.isTextual()) {
                                list.add(t.asText());
                            }
                        });
                    }
                    if (!e.getValue().isArray() || list.size() != e.getValue().size()) {
                        problems.add("overrides.tools." + e.getKey() + " must be a list of tool names");
                    } else {
                        tools.put(e.getKey(), list);
                    }
                });
            }
        }
        Integer maxTokens = null;
        if (node.has("max_tokens")) {
            var v = node.get("max_tokens");
            if (v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0) {
                maxTokens = v.asInt();
            } else {
                problems.add("overrides.max_tokens must be a positive whole number");
            }
        }
        Duration timeout = null;
        if (node.has("timeout")) {
            var v = node.get("timeout");
            var d = v.isTextual() ? FlowParser.parseDuration(v.asText())
                    : v.isIntegralNumber() ? Optional.of(Duration.ofSeconds(v.asLong()))
                            : Optional.<Duration>empty();
            if (d.isPresent() && !d.get().isZero() && !d.get().isNegative()) {
                timeout = d.get();
            } else {
                problems.add("overrides.timeout must be a positive duration such as \"60s\" or a number of seconds");
            }
        }
        Map<String, Object> parameters = Map.of();
        if (node.has("parameters")) {
            if (node.get("parameters").isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = JsonValues.MAPPER.convertValue(node.get("parameters"), Map.class);
                parameters = p;
            } else {
                problems.add("overrides.parameters must be an object");
            }
        }
        var before = interruptList(node, "interrupt_before", problems);
        var after = interruptList(node, "interrupt_after", problems);
        return new Parsed(new RunOverrides(model, models, tools, maxTokens, timeout, parameters, before, after),
                problems);
    }

    /** A list of executor ids, or {@code "*"} (every executor), as LangGraph clients send them. */
    private static List<String> interruptList(JsonNode node, String key, List<String> problems) {
        var value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual() && value.asText().equals(RunOverrides.EVERY)) {
            return List.of(RunOverrides.EVERY);
        }
        var ids = new ArrayList<String>();
        if (value.isArray() && value.size() <= 1000) {
            value.forEach(v -> {
                if (v.isTextual() && !v.asText().isBlank()) {
                    ids.add(v.asText());
                }
            });
        }
        if (!value.isArray() || ids.size() != value.size()) {
            problems.add("overrides." + key + " must be \"*\" or a list of executor ids");
            return List.of();
        }
        return ids;
    }
}
