package dev.forge.monitor.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.memory.MemoryEmbedder;
import dev.forge.core.memory.Vectors;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.EventFilter;
import dev.forge.monitor.repository.EventRepository;
import dev.forge.telemetry.tracing.TraceContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Events as the monitor sees them: run events received from RabbitMQ and its own alerts, stored, broadcast live,
 * paged from history and ranked by meaning (the events' texts embedded with the memory embeddings).
 */
@ApplicationScoped
public class EventService {

    /** Token deltas are not events worth keeping: the final message is. */
    static final String DELTA = "message.delta";

    private final EventRepository events;
    private final MemoryEmbedder embedder;
    private final MonitorConfig config;
    private final LiveFeed<ObjectNode> live = new LiveFeed<>();

    public EventService(EventRepository events, MemoryEmbedder embedder, MonitorConfig config) {
        this.events = events;
        this.embedder = embedder;
        this.config = config;
    }

    /**
     * Stores the events of one message of the {@code forge.events} exchange (a relay batch) in one statement and
     * broadcasts those new to the monitor; completes when stored. Token deltas and malformed events are skipped.
     */
    public Uni<Void> received(List<JsonObject> messages) {
        var batch = new ArrayList<EventRepository.Received>(messages.size());
        for (var message : messages) {
            try {
                String type = message.getString("type");
                if (type == null || DELTA.equals(type) || message.getValue("id") == null) {
                    continue;
                }
                var payload = message.getJsonObject("payload");
                batch.add(new EventRepository.Received(message.getLong("id"), message.getString("workspace_id"),
                        uuid(message.getString("run_id")), uuid(message.getString("session_id")), type,
                        message.getString("severity", "info"), message.getString("source", "unknown"),
                        payload == null ? "{}" : payload.encode(),
                        TraceContext.traceId(message.getString(TraceContext.TRACEPARENT)).orElse(null),
                        Instant.parse(message.getString("created_at"))));
            } catch (RuntimeException e) {
                // a malformed event is skipped; the backfill copies it from the events table if it is real
            }
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return events.insertReceived(config.busGateway(), batch).invoke(stored -> stored.forEach(live::publish))
                .replaceWithVoid();
    }

    /** Records and broadcasts one of the monitor's own events. */
    public Uni<ObjectNode> raise(String gateway, String type, String severity, JsonNode payload) {
        return events.insertOwn(gateway, type, severity, payload).invoke(live::publish);
    }

    /**
     * Live events matching the filter; after {@code lastEventId} (a reconnecting client's Last-Event-ID) the stored
     * ones it missed come first. A subscriber too slow to keep up is ended and resumes this way.
     */
    public Multi<ObjectNode> live(EventFilter filter, Long lastEventId) {
        return LiveFeed.resume(live.stream().filter(filter::matches), lastEventId,
                after -> events.after(filter, after, LiveFeed.BACKLOG));
    }

    public Uni<List<ObjectNode>> history(EventFilter filter, Long before, int limit) {
        return events.page(filter, before, limit);
    }

    /** The {@code k} events closest in meaning to {@code query} among the newest embedded ones matching the filter. */
    public Uni<List<ObjectNode>> search(String query, EventFilter filter, int k) {
        return embedder.embed(query).flatMap(vector -> events.embedded(filter, config.searchWindow()).flatMap(rows -> {
            var top = rows.stream().map(r -> Map.entry(r.id(), Vectors.dot(vector, Vectors.floats(r.embedding()))))
                    .sorted(Map.Entry.<Long, Double>comparingByValue().reversed()).limit(k).toList();
            if (top.isEmpty()) {
                return Uni.createFrom().item(List.<ObjectNode>of());
            }
            return events.byIds(top.stream().map(Map.Entry::getKey).toList()).map(found -> {
                Map<Long, ObjectNode> byId = found.stream().collect(Collectors.toMap(n -> n.get("id").asLong(),
                        Function.identity()));
                return top.stream().filter(e -> byId.containsKey(e.getKey())).map(e -> {
                    var hit = byId.get(e.getKey());
                    hit.put("score", Math.round(e.getValue() * 10_000) / 10_000.0);
                    return hit;
                }).sorted(Comparator.comparingDouble((ObjectNode n) -> n.get("score").asDouble()).reversed())
                        .toList();
            });
        }));
    }

    /** Embeds a batch of events still without an embedding, one after another; the count embedded. */
    public Uni<Integer> embedPending() {
        if (!config.embedEvents()) {
            return Uni.createFrom().item(0);
        }
        return events.unembedded(config.embedBatch()).flatMap(batch -> Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(e -> embedder.embed(e.text())
                        .flatMap(v -> events.setEmbedding(e.id(), Vectors.bytes(v))))
                .collect().asList().map(List::size));
    }

    public Uni<Integer> prune() {
        return events.prune(Instant.now().minus(config.eventRetention()));
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

}
