package dev.forge.worker.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.artifact.ArtifactText;
import dev.forge.core.artifact.BlobStore;
import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.config.ArtifactsConfig;
import dev.forge.worker.repository.RunRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Reads the text of the artifacts a run references, for its executors' prompts: textual content types only, up to
 * 1 MiB each, checked against the SHA-256 recorded at upload, and no more than the run's prompt budget
 * ({@code forge.artifacts.prompt-budget-bytes}) in all — the gateway refuses runs declaring more, so only a budget
 * lowered since creation truncates, with a marker in the text. Other artifacts reach prompts as a one-line mention.
 */
@ApplicationScoped
public class ArtifactReader {

    private final BlobStore blobs;
    private final long budget;

    public ArtifactReader(BlobStore blobs, ArtifactsConfig config) {
        this.blobs = blobs;
        this.budget = config.promptBudgetBytes();
    }

    /** The texts by artifact id (in the run's order); empty when the run references none. */
    public Uni<Map<String, String>> texts(List<RunRecord.Artifact> artifacts) {
        var readable = artifacts.stream().filter(a -> ArtifactText.read(a.contentType(), a.sizeBytes())).toList();
        if (readable.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        var texts = new LinkedHashMap<String, String>();
        long[] left = { budget };
        return Multi.createFrom().iterable(readable)
                .onItem().transformToUniAndConcatenate(a -> {
                    if (left[0] <= 0) {
                        // not even fetched: nothing of it fits
                        return Uni.createFrom().item(Map.entry(a.id(), marker(a.name(), a.sizeBytes())));
                    }
                    return blobs.get(a.storageKey()).map(bytes -> {
                        if (!OffloadedValues.sha256(bytes).equals(a.sha256())) {
                            throw new IllegalStateException("artifact " + a.id() + " does not match its SHA-256");
                        }
                        int kept = ArtifactText.boundary(bytes, (int) Math.min(left[0], bytes.length));
                        left[0] -= kept;
                        String text = new String(bytes, 0, kept, StandardCharsets.UTF_8);
                        return Map.entry(a.id(), kept == bytes.length ? text
                                : text + "\n" + marker(a.name(), bytes.length - kept));
                    });
                })
                .invoke(e -> texts.put(e.getKey(), e.getValue()))
                .collect().last()
                .map(x -> texts);
    }

    private String marker(String name, long leftOut) {
        return "[… " + leftOut + " bytes of " + name + " left out: over the run's artifact text budget of " + budget
                + " bytes]";
    }
}
