package dev.forge.worker.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.artifact.BlobStore;
import dev.forge.core.artifact.OffloadedValues;
import dev.forge.worker.repository.RunRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Reads the text of the artifacts a run references, for its executors' prompts: textual content types only, up to
 * 1 MiB each, checked against the SHA-256 recorded at upload. Other artifacts reach prompts as a one-line mention.
 */
@ApplicationScoped
public class ArtifactReader {

    static final long MAX_TEXT_BYTES = 1024 * 1024;
    private static final Set<String> TEXTUAL_APPLICATION_TYPES = Set.of("application/json", "application/xml",
            "application/yaml", "application/x-yaml", "application/csv", "application/x-ndjson");

    private final BlobStore blobs;

    public ArtifactReader(BlobStore blobs) {
        this.blobs = blobs;
    }

    public static boolean textual(String contentType) {
        String bare = contentType.split(";", 2)[0].trim().toLowerCase();
        return bare.startsWith("text/") || TEXTUAL_APPLICATION_TYPES.contains(bare) || bare.endsWith("+json")
                || bare.endsWith("+xml");
    }

    /** The texts by artifact id (in the run's order); empty when the run references none. */
    public Uni<Map<String, String>> texts(List<RunRecord.Artifact> artifacts) {
        var readable = artifacts.stream().filter(a -> textual(a.contentType()) && a.sizeBytes() <= MAX_TEXT_BYTES)
                .toList();
        if (readable.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        var texts = new LinkedHashMap<String, String>();
        return Multi.createFrom().iterable(readable)
                .onItem().transformToUniAndConcatenate(a -> blobs.get(a.storageKey()).map(bytes -> {
                    if (!OffloadedValues.sha256(bytes).equals(a.sha256())) {
                        throw new IllegalStateException("artifact " + a.id() + " does not match its SHA-256");
                    }
                    return Map.entry(a.id(), new String(bytes, StandardCharsets.UTF_8));
                }))
                .invoke(e -> texts.put(e.getKey(), e.getValue()))
                .collect().last()
                .map(x -> texts);
    }
}
