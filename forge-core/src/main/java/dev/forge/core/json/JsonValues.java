package dev.forge.core.json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Conversions between Jackson trees and plain Java values. */
public final class JsonValues {

    /** A mapper for internal (de)serialization, configured like Quarkus' default. */
    public static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    private JsonValues() {
    }

    /** Jackson tree to the value types CEL understands: Map, List, String, Long, Double, Boolean, null. */
    public static Object toCel(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            var map = new LinkedHashMap<String, Object>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                var e = it.next();
                Object v = toCel(e.getValue());
                if (v != null) {
                    map.put(e.getKey(), v);
                }
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toCel(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    /** Text form of a message: strings as they are, anything else as compact JSON. */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    /** SHA-256 of the JSON with object keys sorted at every level: equal documents hash equal, whatever the order. */
    public static String canonicalHash(JsonNode node) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(node).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    static String canonical(JsonNode node) {
        if (node == null) {
            return "null";
        }
        if (node.isObject()) {
            var keys = new ArrayList<String>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            var sb = new StringBuilder("{");
            for (int i = 0; i < keys.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(JsonNodeFactory.instance.textNode(keys.get(i)))
                        .append(':').append(canonical(node.get(keys.get(i))));
            }
            return sb.append('}').toString();
        }
        if (node.isArray()) {
            var sb = new StringBuilder("[");
            for (int i = 0; i < node.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(canonical(node.get(i)));
            }
            return sb.append(']').toString();
        }
        return node.toString();
    }

    public static JsonNode fromPlain(Object value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : MAPPER.valueToTree(value);
    }
}
