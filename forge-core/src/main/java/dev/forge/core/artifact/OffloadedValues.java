package dev.forge.core.artifact;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.config.ArtifactsConfig;
import dev.forge.core.json.JsonValues;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Large JSON values kept in S3 instead of in every checkpoint. A value whose JSON is larger than the offload
 * threshold is stored once under a content-addressed key and replaced by a reference
 * {@code {"$forge_blob": {"key", "sha256", "bytes"}}}; readers call {@link #resolve} and see the value again,
 * checked against its hash.
 */
@ApplicationScoped
public class OffloadedValues {

    public static final String REFERENCE_FIELD = "$forge_blob";

    private final BlobStore blobs;
    private final ArtifactsConfig config;

    public OffloadedValues(BlobStore blobs, ArtifactsConfig config) {
        this.blobs = blobs;
        this.config = config;
    }

    public static boolean isReference(JsonNode node) {
        return node != null && node.isObject() && node.size() == 1 && node.path(REFERENCE_FIELD).isObject();
    }

    /** An offloader for one run: it remembers what it already stored, so a value is uploaded once per run. */
    public Offloader offloader(String workspace) {
        return new Offloader(workspace);
    }

    /** Stores the large values of one run; used by one run's steps in sequence, never concurrently. */
    public final class Offloader {
        private final String workspace;
        // by identity: a step's output object is shared by the state, the inbox and the edges it was sent on
        private final Map<JsonNode, JsonNode> stored = new IdentityHashMap<>();

        Offloader(String workspace) {
            this.workspace = workspace;
        }

        /** The value itself when it is small, else a reference to its copy in S3 (uploaded first). */
        public Uni<JsonNode> store(JsonNode value) {
            if (value == null || value.isNull() || value.isNumber() || value.isBoolean()) {
                return Uni.createFrom().item(value);
            }
            JsonNode known = stored.get(value);
            if (known != null) {
                return Uni.createFrom().item(known);
            }
            byte[] bytes = bytes(value);
            if (bytes.length <= config.offloadThresholdBytes()) {
                stored.put(value, value);
                return Uni.createFrom().item(value);
            }
            String sha256 = sha256(bytes);
            // content-addressed within the workspace: the same value twice is one object, and a retried step
            // rewrites the same key
            String key = "values/" + workspace + "/" + sha256 + ".json";
            ObjectNode reference = JsonValues.MAPPER.createObjectNode();
            reference.putObject(REFERENCE_FIELD).put("key", key).put("sha256", sha256).put("bytes", bytes.length);
            return blobs.put(key, bytes, "application/json").map(x -> {
                stored.put(value, reference);
                return reference;
            });
        }
    }

    /**
     * The tree with every reference replaced by the value it names. Each object is fetched once per call and
     * checked against its SHA-256; a missing or altered object fails the call rather than yielding wrong state.
     */
    public Uni<JsonNode> resolve(JsonNode tree) {
        return resolveAll(List.of(tree)).map(list -> list.get(0));
    }

    /** {@link #resolve} for several trees sharing one fetch of each referenced object. */
    public Uni<List<JsonNode>> resolveAll(List<JsonNode> trees) {
        var references = new LinkedHashMap<String, String>();
        trees.forEach(tree -> collect(tree, references));
        if (references.isEmpty()) {
            return Uni.createFrom().item(trees);
        }
        var values = new LinkedHashMap<String, JsonNode>();
        return Multi.createFrom().iterable(references.entrySet())
                .onItem().transformToUniAndConcatenate(ref -> blobs.get(ref.getKey()).map(bytes -> {
                    if (!sha256(bytes).equals(ref.getValue())) {
                        throw new IllegalStateException("offloaded value " + ref.getKey() + " does not match its "
                                + "SHA-256");
                    }
                    return Map.entry(ref.getKey(), parse(bytes));
                }))
                .invoke(entry -> values.put(entry.getKey(), entry.getValue()))
                .collect().last()
                .map(x -> {
                    var out = new ArrayList<JsonNode>(trees.size());
                    trees.forEach(tree -> out.add(replace(tree, values)));
                    return out;
                });
    }

    private static void collect(JsonNode node, Map<String, String> references) {
        if (node == null) {
            return;
        }
        if (isReference(node)) {
            JsonNode ref = node.get(REFERENCE_FIELD);
            references.put(ref.path("key").asText(), ref.path("sha256").asText());
            return;
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collect(child, references));
        }
    }

    private static JsonNode replace(JsonNode node, Map<String, JsonNode> values) {
        if (node == null) {
            return null;
        }
        if (isReference(node)) {
            return values.get(node.get(REFERENCE_FIELD).path("key").asText());
        }
        if (node.isObject()) {
            ObjectNode copy = JsonValues.MAPPER.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), replace(e.getValue(), values)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonValues.MAPPER.createArrayNode();
            node.forEach(child -> copy.add(replace(child, values)));
            return copy;
        }
        return node;
    }

    private static byte[] bytes(JsonNode value) {
        try {
            return JsonValues.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JsonValues.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("offloaded value is not JSON", e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
