package dev.forge.worker.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.json.JsonValues;
import dev.forge.worker.client.StepCache;
import dev.forge.worker.repository.RunStore;
import dev.forge.worker.repository.StepWrite;
import io.smallrye.mutiny.Uni;

/**
 * A run's state as checkpoints and the step cache keep it: JSON with large values (the input, executor outputs,
 * queued messages, edges' messages) replaced by references to their copies in S3, and the latest such state read back
 * from the Redis step cache or PostgreSQL. The in-memory {@link RunState} keeps the values themselves.
 */
final class StoredStates {

    private static final Logger LOG = Logger.getLogger(StoredStates.class);

    private final RunStore runs;
    private final StepCache cache;

    StoredStates(RunStore runs, StepCache cache) {
        this.runs = runs;
        this.cache = cache;
    }

    /** The state as stored: large values offloaded through the run's offloader. */
    Uni<ObjectNode> stored(OffloadedValues.Offloader offloader, RunState state) {
        ObjectNode json = (ObjectNode) write(state);
        Uni<Void> chain = offloader.store(state.input).invoke(value -> json.set("input", value)).replaceWithVoid();
        ObjectNode outputs = (ObjectNode) json.get("outputs");
        for (var output : state.outputs.entrySet()) {
            chain = chain.flatMap(x -> offloader.store(output.getValue())
                    .invoke(value -> outputs.set(output.getKey(), value))).replaceWithVoid();
        }
        ObjectNode inbox = (ObjectNode) json.get("inbox");
        for (var queue : state.inbox.entrySet()) {
            for (int i = 0; i < queue.getValue().size(); i++) {
                ObjectNode message = (ObjectNode) inbox.get(queue.getKey()).get(i);
                JsonNode payload = queue.getValue().get(i).payload();
                chain = chain.flatMap(x -> offloader.store(payload).invoke(value -> message.set("payload", value)))
                        .replaceWithVoid();
            }
        }
        return chain.replaceWith(json);
    }

    /** A step's edges with large messages replaced by S3 references, as the communication graph keeps them. */
    static Uni<List<StepWrite.Edge>> storedEdges(OffloadedValues.Offloader offloader, List<StepWrite.Edge> edges) {
        Uni<List<StepWrite.Edge>> chain = Uni.createFrom().item(new ArrayList<>());
        for (var edge : edges) {
            chain = chain.flatMap(list -> offloader.store(edge.message()).map(message -> {
                list.add(new StepWrite.Edge(edge.seq(), edge.from(), edge.to(), message));
                return list;
            }));
        }
        return chain;
    }

    /**
     * The latest committed state as stored: its step index from PostgreSQL (always current), the state itself from
     * the Redis step cache when it has it, else rebuilt from PostgreSQL's keyframe and deltas.
     */
    Uni<Optional<JsonNode>> latest(UUID runId) {
        return runs.latestStep(runId).flatMap(step -> {
            if (step.isEmpty()) {
                return Uni.createFrom().item(Optional.<JsonNode>empty());
            }
            return cache.get(runId, step.get()).flatMap(cached -> {
                if (cached.isPresent()) {
                    try {
                        return Uni.createFrom().item(Optional.of(JsonValues.MAPPER.readTree(cached.get())));
                    } catch (JsonProcessingException e) {
                        LOG.warnf("Cached state of run %s step %d is unreadable; reading PostgreSQL", runId,
                                step.get());
                    }
                }
                return runs.state(runId, step.get()).map(Optional::of);
            });
        });
    }

    static JsonNode write(RunState state) {
        return JsonValues.MAPPER.valueToTree(state);
    }

    static RunState read(JsonNode json) {
        try {
            return JsonValues.MAPPER.treeToValue(json, RunState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("checkpoint state cannot be read: " + e.getMessage(), e);
        }
    }
}
