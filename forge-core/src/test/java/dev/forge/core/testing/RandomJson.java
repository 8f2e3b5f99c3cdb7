package dev.forge.core.testing;

import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;

/** Random JSON for fuzzing, from a seed (reproducible): values of every type, keys the API knows and some it does not. */
public final class RandomJson {

    private RandomJson() {
    }

    public static ObjectNode object(Random random, int depth) {
        ObjectNode node = JsonValues.MAPPER.createObjectNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            node.set(key(random), value(random, depth - 1));
        }
        return node;
    }

    public static JsonNode value(Random random, int depth) {
        var f = JsonValues.MAPPER.getNodeFactory();
        int kind = depth <= 0 ? random.nextInt(5) : random.nextInt(7);
        return switch (kind) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextInt(2000) - 1000);
            case 3 -> f.numberNode(random.nextDouble() * 100);
            case 4 -> f.textNode(random.nextInt(3) == 0 ? "" : key(random) + "-" + random.nextInt(100));
            case 5 -> {
                var array = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(value(random, depth - 1));
                }
                yield array;
            }
            default -> object(random, depth - 1);
        };
    }

    private static String key(Random random) {
        String[] keys = { "model", "models", "tools", "max_tokens", "timeout", "parameters", "x", "classifier",
            "outputs", "trace", "status", "", "assistant_id", "session_id", "input", "overrides",
            "multitask_strategy", "artifacts", "name", "flow", "role", "workspace_id", "step", "new_session",
            "description", "metadata", "enqueue", "reject", "interrupt", "document-review", "viewer" };
        return keys[random.nextInt(keys.length)];
    }
}
