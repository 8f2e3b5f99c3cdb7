package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The monitor's event history. */
@ApplicationScoped
public class EventRepository {

    /** An event waiting for its embedding. */
    public record Unembedded(long id, String text) {
    }

    /** An embedded event, for ranking. */
    public record Embedded(long id, byte[] embedding) {
    }

    private static final String COLUMNS = "id, gateway_id, event_id, workspace_id, run_id, session_id, workflow, "
            + "type, severity, source, payload::text AS payload, trace_id, created_at, received_at";
    /** $1..$9: the filter's parameters, in this order. */
    private static final String WHERE = "($1::uuid IS NULL OR run_id = $1) AND ($2::text IS NULL OR workflow = $2) "
            + "AND (cardinality($3::text[]) = 0 OR type = ANY($3)) "
            + "AND (cardinality($4::text[]) = 0 OR severity = ANY($4)) AND ($5::text IS NULL OR gateway_id = $5) "
            + "AND ($6::text IS NULL OR workspace_id = $6) AND ($7::timestamptz IS NULL OR created_at >= $7) "
            + "AND ($8::timestamptz IS NULL OR created_at < $8)";

    private final Pool pool;

    public EventRepository(Pool pool) {
        this.pool = pool;
    }

    /** A run event from the bus, as stored. */
    public record Received(long eventId, String workspace, UUID runId, UUID sessionId, String type, String severity,
            String source, String payload, String traceId, Instant createdAt) {
    }

    /**
     * Stores a batch of run events from the bus in one statement (one AMQP message of the relay); answers those not
     * stored before (a redelivery stores nothing), in id order. One statement instead of one per event: at R1 rates
     * the per-statement cost in PostgreSQL was most of the monitor's share.
     */
    public Uni<List<ObjectNode>> insertReceived(String gateway, List<Received> batch) {
        int n = batch.size();
        var ids = new Long[n];
        var workspaces = new String[n];
        var runs = new UUID[n];
        var sessions = new UUID[n];
        var types = new String[n];
        var severities = new String[n];
        var sources = new String[n];
        var payloads = new String[n];
        var traces = new String[n];
        var times = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            var e = batch.get(i);
            ids[i] = e.eventId();
            workspaces[i] = e.workspace();
            runs[i] = e.runId();
            sessions[i] = e.sessionId();
            types[i] = e.type();
            severities[i] = e.severity();
            sources[i] = e.source();
            payloads[i] = e.payload();
            traces[i] = e.traceId();
            times[i] = e.createdAt().atOffset(ZoneOffset.UTC);
        }
        return pool.preparedQuery("INSERT INTO monitor_events (gateway_id, event_id, workspace_id, run_id, "
                + "session_id, workflow, type, severity, source, payload, trace_id, created_at) "
                + "SELECT $1, b.event_id, b.workspace_id, b.run_id, b.session_id, r.flow_name, b.type, b.severity, "
                + "b.source, b.payload::jsonb, b.trace_id, b.created_at "
                + "FROM unnest($2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], "
                + "$9::text[], $10::text[], $11::timestamptz[]) AS b(event_id, workspace_id, run_id, session_id, type, "
                + "severity, source, payload, trace_id, created_at) LEFT JOIN runs r ON r.id = b.run_id "
                + "ORDER BY b.event_id "
                + "ON CONFLICT (gateway_id, event_id) WHERE event_id IS NOT NULL DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[] { gateway, ids, workspaces, runs, sessions, types, severities,
                        sources, payloads, traces, times }))
                .map(rows -> Rows.list(rows, EventRepository::view));
    }

    /** Stores one of the monitor's own events (a capacity alert). */
    public Uni<ObjectNode> insertOwn(String gateway, String type, String severity, JsonNode payload) {
        return pool.preparedQuery("INSERT INTO monitor_events (gateway_id, type, severity, source, payload, "
                + "created_at) VALUES ($1, $2, $3, 'infra-monitor', $4::text::jsonb, now()) RETURNING " + COLUMNS)
                .execute(Tuple.of(gateway, type, severity, payload.toString()))
                .map(rows -> view(rows.iterator().next()));
    }

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<ObjectNode>> page(EventFilter f, Long before, int limit) {
        return select(f, "($9::bigint IS NULL OR id < $9) ORDER BY id DESC", before, limit);
    }

    /** Oldest first, those after {@code after}: what a live stream resumed from that id missed. */
    public Uni<List<ObjectNode>> after(EventFilter f, long after, int limit) {
        return select(f, "id > $9 ORDER BY id", after, limit);
    }

    private Uni<List<ObjectNode>> select(EventFilter f, String idAndOrder, Long id, int limit) {
        var params = params(f);
        params.add(id);
        params.add(limit);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM monitor_events WHERE " + WHERE + " AND " + idAndOrder
                + " LIMIT $10").execute(Tuple.from(params)).map(rows -> Rows.list(rows, EventRepository::view));
    }

    /** The newest {@code window} embedded events matching the filter. */
    public Uni<List<Embedded>> embedded(EventFilter f, int window) {
        var params = params(f);
        params.add(window);
        return pool.preparedQuery("SELECT id, embedding FROM monitor_events WHERE " + WHERE
                + " AND embedding IS NOT NULL ORDER BY id DESC LIMIT $9")
                .execute(Tuple.from(params))
                .map(rows -> Rows.list(rows, r -> new Embedded(r.getLong("id"), r.getBuffer("embedding").getBytes())));
    }

    public Uni<List<ObjectNode>> byIds(List<Long> ids) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM monitor_events WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(new Long[0]))).map(rows -> Rows.list(rows, EventRepository::view));
    }

    public Uni<List<Unembedded>> unembedded(int limit) {
        return pool.preparedQuery("SELECT id, type, severity, workflow, payload::text AS payload FROM monitor_events "
                + "WHERE embedding IS NULL AND searchable ORDER BY id LIMIT $1").execute(Tuple.of(limit))
                .map(rows -> Rows.list(rows, r -> new Unembedded(r.getLong("id"), text(r))));
    }

    public Uni<Void> setEmbedding(long id, byte[] embedding) {
        return pool.preparedQuery("UPDATE monitor_events SET embedding = $2 WHERE id = $1")
                .execute(Tuple.of(id, Buffer.buffer(embedding))).replaceWithVoid();
    }

    public Uni<Integer> prune(Instant olderThan) {
        return pool.preparedQuery("DELETE FROM monitor_events WHERE created_at < $1")
                .execute(Tuple.of(olderThan.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
    }

    private static List<Object> params(EventFilter f) {
        return new ArrayList<>(Arrays.asList(f.runId(), f.workflow(), f.types().toArray(new String[0]),
                f.severities().toArray(new String[0]), f.gateway(), f.workspace(),
                f.since() == null ? null : f.since().atOffset(ZoneOffset.UTC),
                f.until() == null ? null : f.until().atOffset(ZoneOffset.UTC)));
    }

    /** What an event says, as text for its embedding: type, severity, workflow and the payload's values. */
    private static String text(Row r) {
        var out = new StringBuilder();
        out.append(r.getString("type").replace('.', ' ').replace('_', ' ')).append(". ")
                .append(r.getString("severity")).append('.');
        if (r.getString("workflow") != null) {
            out.append(" workflow ").append(r.getString("workflow")).append('.');
        }
        flatten(Rows.json(r, "payload"), "", out);
        return out.length() > 2000 ? out.substring(0, 2000) : out.toString();
    }

    private static void flatten(JsonNode node, String key, StringBuilder out) {
        if (node == null || out.length() > 2000) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(e.getValue(), e.getKey(), out));
        } else if (node.isArray()) {
            node.forEach(v -> flatten(v, key, out));
        } else if (!node.isNull()) {
            out.append(' ').append(key.replace('_', ' ')).append(": ").append(node.asText()).append('.');
        }
    }

    static ObjectNode view(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.getLong("id"));
        n.put("gateway_id", r.getString("gateway_id"));
        n.put("event_id", r.getLong("event_id"));
        n.put("workspace_id", r.getString("workspace_id"));
        n.put("run_id", r.getUUID("run_id") == null ? null : r.getUUID("run_id").toString());
        n.put("session_id", r.getUUID("session_id") == null ? null : r.getUUID("session_id").toString());
        n.put("workflow", r.getString("workflow"));
        n.put("type", r.getString("type"));
        n.put("severity", r.getString("severity"));
        n.put("source", r.getString("source"));
        n.set("payload", Rows.json(r, "payload"));
        n.put("trace_id", r.getString("trace_id"));
        Rows.time(n, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(n, "received_at", r.getOffsetDateTime("received_at"));
        return n;
    }
}
