package dev.forge.core.checkpoint;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;

/**
 * What one step changed in a run's state, so a checkpoint stores that instead of the whole state (whose outputs,
 * statuses and trace grow with the run). Two levels deep, which is the shape of a run state: a top-level field is
 * replaced, or — when both versions are objects — its changed entries are set and its dropped entries removed, or —
 * when the new array extends the old one — the new elements are appended.
 * <pre>{"set": {field: value}, "merge": {field: {key: value}}, "remove": {field: [key]}, "append": {field: [..]}}</pre>
 */
public final class StateDelta {

    private StateDelta() {
    }

    /** The delta that turns {@code before} into {@code after}; both are JSON objects. */
    public static ObjectNode diff(JsonNode before, JsonNode after) {
        ObjectNode delta = JsonValues.MAPPER.createObjectNode();
        ObjectNode set = JsonValues.MAPPER.createObjectNode();
        ObjectNode merge = JsonValues.MAPPER.createObjectNode();
        ObjectNode remove = JsonValues.MAPPER.createObjectNode();
        ObjectNode append = JsonValues.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext();) {
            var field = it.next();
            String name = field.getKey();
            JsonNode now = field.getValue();
            JsonNode was = before.get(name);
            if (now.equals(was)) {
                continue;
            }
            if (was != null && was.isObject() && now.isObject()) {
                ObjectNode changed = JsonValues.MAPPER.createObjectNode();
                now.fields().forEachRemaining(e -> {
                    if (!e.getValue().equals(was.get(e.getKey()))) {
                        changed.set(e.getKey(), e.getValue());
                    }
                });
                ArrayNode dropped = JsonValues.MAPPER.createArrayNode();
                was.fieldNames().forEachRemaining(key -> {
                    if (!now.has(key)) {
                        dropped.add(key);
                    }
                });
                if (!changed.isEmpty()) {
                    merge.set(name, changed);
                }
                if (!dropped.isEmpty()) {
                    remove.set(name, dropped);
                }
            } else if (was != null && was.isArray() && now.isArray() && extendsArray(was, now)) {
                ArrayNode added = JsonValues.MAPPER.createArrayNode();
                for (int i = was.size(); i < now.size(); i++) {
                    added.add(now.get(i));
                }
                append.set(name, added);
            } else {
                set.set(name, now);
            }
        }
        ArrayNode gone = JsonValues.MAPPER.createArrayNode();
        before.fieldNames().forEachRemaining(name -> {
            if (!after.has(name)) {
                gone.add(name);
            }
        });
        put(delta, "set", set);
        put(delta, "merge", merge);
        put(delta, "remove", remove);
        put(delta, "append", append);
        if (!gone.isEmpty()) {
            delta.set("drop", gone);
        }
        return delta;
    }

    /** {@code base} with the delta applied; {@code base} itself is left as it was. */
    public static ObjectNode apply(JsonNode base, JsonNode delta) {
        ObjectNode out = base.deepCopy();
        delta.path("drop").forEach(name -> out.remove(name.asText()));
        delta.path("set").fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue()));
        delta.path("merge").fields().forEachRemaining(e -> {
            JsonNode target = out.get(e.getKey());
            ObjectNode object = target != null && target.isObject() ? (ObjectNode) target
                    : out.putObject(e.getKey());
            object.setAll((ObjectNode) e.getValue());
        });
        delta.path("remove").fields().forEachRemaining(e -> {
            JsonNode target = out.get(e.getKey());
            if (target != null && target.isObject()) {
                e.getValue().forEach(key -> ((ObjectNode) target).remove(key.asText()));
            }
        });
        delta.path("append").fields().forEachRemaining(e -> {
            JsonNode target = out.get(e.getKey());
            ArrayNode array = target != null && target.isArray() ? (ArrayNode) target : out.putArray(e.getKey());
            array.addAll((ArrayNode) e.getValue());
        });
        return out;
    }

    private static boolean extendsArray(JsonNode was, JsonNode now) {
        if (now.size() < was.size()) {
            return false;
        }
        for (int i = 0; i < was.size(); i++) {
            if (!was.get(i).equals(now.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static void put(ObjectNode delta, String name, ObjectNode part) {
        if (!part.isEmpty()) {
            delta.set(name, part);
        }
    }
}
