package dev.forge.gateway.repository;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Webhook deliveries, on the reactive PG client (they are a queue: planned in batches, leased, fenced): planning from
 * committed events, leasing due ones, recording attempts, and the delivery log.
 */
@ApplicationScoped
public class WebhookDeliveryRepository {

    /** The event types a run's own webhook is sent (as LangGraph's run webhook: when the run stops). */
    public static final List<String> RUN_WEBHOOK_EVENTS = List.of("run.succeeded", "run.failed", "run.cancelled",
            "run.timed_out", "run.interrupted");

    /**
     * One planning round in one statement: under the webhook cursor's row lock (gateways take turns), the events
     * after it from transactions older than every running one (committed for good — a rolled-back change left no
     * event), each matched to the workspace's enabled subscriptions that want its type and existed when it happened,
     * and to its run's own webhook; a delivery per match (a second planning of the same event changes nothing), then
     * the cursor moved past the events read. The body is built here, once: every attempt sends the same bytes.
     */
    private static final String PLAN = """
            WITH c AS (SELECT tx, event_id FROM outbox_cursor WHERE name = 'webhooks' FOR UPDATE),
            ev AS (SELECT e.id, e.tx, e.workspace_id, e.run_id, e.type, e.payload, e.created_at
                   FROM events e, c
                   WHERE (e.tx, e.id) > (c.tx, c.event_id) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY e.tx, e.id LIMIT $1),
            targets AS (
                SELECT ev.*, w.id AS webhook_id, w.url FROM ev
                JOIN webhooks w ON w.workspace_id = ev.workspace_id AND w.enabled
                                   AND ev.type = ANY(string_to_array(w.event_types, ','))
                                   AND w.created_at <= ev.created_at
                UNION ALL
                SELECT ev.*, NULL::uuid, rw.url FROM ev JOIN run_webhooks rw ON rw.run_id = ev.run_id
                WHERE ev.type = ANY($2)),
            ins AS (
                INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, run_id, event_id, event_type, url, body,
                                                next_attempt_at, give_up_at, created_at)
                SELECT gen_random_uuid(), t.workspace_id, t.webhook_id, t.run_id, t.id, t.type, t.url,
                       jsonb_build_object('event_id', t.id, 'type', t.type, 'workspace_id', t.workspace_id,
                           'created_at', t.created_at, 'data', jsonb_build_object('event', t.payload, 'run',
                           (SELECT jsonb_build_object('id', r.id, 'session_id', r.session_id,
                                'assistant_id', r.assistant_id, 'status', r.status, 'output', r.output,
                                'error', r.error, 'interrupt', r.interrupt, 'schedule_id', r.schedule_id,
                                'created_at', r.created_at, 'started_at', r.started_at, 'finished_at', r.finished_at)
                            FROM runs r WHERE r.id = t.run_id))),
                       now(), now() + ($3::bigint * interval '1 millisecond'), now()
                FROM targets t
                ON CONFLICT DO NOTHING RETURNING 1),
            last AS (SELECT tx, id FROM ev ORDER BY tx DESC, id DESC LIMIT 1),
            moved AS (UPDATE outbox_cursor o SET tx = last.tx, event_id = last.id FROM last
                      WHERE o.name = 'webhooks' RETURNING 1)
            SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM ins) AS planned,
                   (SELECT count(*) FROM moved) AS moved""";

    /**
     * Leases due deliveries (a pending one whose time came, its subscription still enabled): the attempt counted and
     * the next try pushed past the lease, so a gateway that dies mid-attempt leaves it due again when the lease ends.
     * The signer, read once per delivery: its subscription; for a run's own webhook, the workspace's (oldest)
     * subscription to the same URL when there is one — a receiver registers once and verifies both the same way —
     * else none (unsigned).
     */
    private static final String CLAIM = """
            UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
                   lease_until = now() + ($2::bigint * interval '1 millisecond'),
                   next_attempt_at = now() + ($2::bigint * interval '1 millisecond')
            FROM (SELECT x.id, x.webhook_id, x.workspace_id, x.url FROM webhook_deliveries x
                  WHERE x.status = 'pending' AND x.next_attempt_at <= now()
                    AND (x.webhook_id IS NULL OR EXISTS (SELECT 1 FROM webhooks w WHERE w.id = x.webhook_id
                                                          AND w.enabled))
                  ORDER BY x.next_attempt_at LIMIT $1 FOR UPDATE OF x SKIP LOCKED) due
                 LEFT JOIN LATERAL (SELECT w.id AS signer, w.secret FROM webhooks w
                                    WHERE w.id = due.webhook_id OR (due.webhook_id IS NULL
                                          AND w.workspace_id = due.workspace_id AND w.url = due.url)
                                    ORDER BY w.created_at, w.id LIMIT 1) s ON true
            WHERE d.id = due.id
            RETURNING d.id, d.webhook_id, d.url, d.body::text AS body, d.attempts, d.event_type, d.event_id,
                      d.give_up_at, s.signer, s.secret""";

    /** An attempt's outcome: logged always; applied only by the lease holder (the attempt number is the fence). */
    private static final String RECORD = """
            WITH applied AS (
                UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, lease_until = NULL,
                       last_status_code = $5, last_error = $6,
                       delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END
                WHERE id = $1 AND attempts = $2 AND status = 'pending' RETURNING id)
            INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response)
            SELECT $1, $2, $7, $8, $5, $6, $9 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = $1)""";

    /** Send again: due now with a fresh retry window — not while an attempt is in flight. */
    private static final String REDELIVER = """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),
                   give_up_at = now() + ($3::bigint * interval '1 millisecond'), lease_until = NULL
            WHERE id = $1 AND workspace_id = $2 AND NOT (status = 'pending' AND lease_until > now())
            RETURNING id""";

    private static final String COLUMNS = "d.id, d.workspace_id, d.webhook_id, d.run_id, d.event_id, d.event_type, "
            + "d.url, d.status, d.attempts, d.next_attempt_at, d.lease_until, d.give_up_at, d.last_status_code, "
            + "d.last_error, d.created_at, d.delivered_at";

    private final Pool pool;

    public WebhookDeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /** What one planning round read and planned. */
    public record Planned(long events, long deliveries) {
    }

    /** A leased delivery: what to send, and the attempt that fences its outcome. */
    public record Due(UUID id, UUID webhookId, String url, String body, int attempt, String eventType, long eventId,
            OffsetDateTime giveUpAt, UUID signer, byte[] sealedSecret) {
    }

    /** How an attempt ended, and what the delivery becomes. */
    public record Outcome(String status, OffsetDateTime nextAttemptAt, Integer statusCode, String error,
            OffsetDateTime startedAt, int durationMs, String response) {
    }

    public Uni<Planned> plan(int batch, Duration retryFor) {
        return pool.preparedQuery(PLAN).execute(Tuple.of(batch, RUN_WEBHOOK_EVENTS.toArray(String[]::new),
                interval(retryFor))).map(rows -> {
                    Row r = rows.iterator().next();
                    return new Planned(r.getLong("events"), r.getLong("planned"));
                });
    }

    public Uni<List<Due>> claim(int limit, Duration lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, interval(lease))).map(rows -> {
            var due = new ArrayList<Due>(rows.size());
            for (Row r : rows) {
                var secret = r.getBuffer("secret");
                due.add(new Due(r.getUUID("id"), r.getUUID("webhook_id"), r.getString("url"), r.getString("body"),
                        r.getInteger("attempts"), r.getString("event_type"), r.getLong("event_id"),
                        r.getOffsetDateTime("give_up_at"), r.getUUID("signer"),
                        secret == null ? null : secret.getBytes()));
            }
            return due;
        });
    }

    public Uni<Void> record(Due due, Outcome outcome) {
        return pool.preparedQuery(RECORD).execute(Tuple.from(new Object[] { due.id(), due.attempt(), outcome.status(),
                outcome.nextAttemptAt(), outcome.statusCode(), outcome.error(), outcome.startedAt(),
                outcome.durationMs(), outcome.response() })).replaceWithVoid();
    }

    /** Makes the delivery due now; false when unknown in the workspace or an attempt is in flight. */
    public Uni<Boolean> redeliver(String workspace, UUID id, Duration retryFor) {
        return pool.preparedQuery(REDELIVER).execute(Tuple.of(id, workspace, interval(retryFor)))
                .map(rows -> rows.size() == 1);
    }

    /** A run's own webhook, written in the transaction that creates the run. */
    public Uni<Void> insertRunWebhook(SqlConnection tx, UUID runId, String url) {
        return tx.preparedQuery("INSERT INTO run_webhooks (run_id, url) VALUES ($1, $2)").execute(Tuple.of(runId, url))
                .replaceWithVoid();
    }

    /** The workspace's deliveries, newest first, narrowed by subscription, run and status where given. */
    public Uni<List<ObjectNode>> list(String workspace, UUID webhookId, UUID runId, String status, int limit,
            int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_deliveries d WHERE d.workspace_id = $1 "
                + "AND ($2::uuid IS NULL OR d.webhook_id = $2) AND ($3::uuid IS NULL OR d.run_id = $3) "
                + "AND ($4::text IS NULL OR d.status = $4) ORDER BY d.created_at DESC, d.id LIMIT $5 OFFSET $6")
                .execute(Tuple.from(new Object[] { workspace, webhookId, runId, status, limit, offset }))
                .map(rows -> {
                    var list = new ArrayList<ObjectNode>(rows.size());
                    rows.forEach(r -> list.add(view(r)));
                    return list;
                });
    }

    /** One delivery with its body and every attempt. */
    public Uni<Optional<ObjectNode>> get(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + ", d.body::text AS body FROM webhook_deliveries d "
                + "WHERE d.id = $1 AND d.workspace_id = $2").execute(Tuple.of(id, workspace)).flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<ObjectNode>empty());
                    }
                    Row row = rows.iterator().next();
                    var node = view(row);
                    node.set("body", Rows.json(row.getString("body"), "body"));
                    return pool.preparedQuery("SELECT attempt, started_at, duration_ms, status_code, error, response "
                            + "FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id").execute(Tuple.of(id))
                            .map(attempts -> {
                                var list = node.putArray("attempt_log");
                                for (Row a : attempts) {
                                    var item = list.addObject().put("attempt", a.getInteger("attempt"));
                                    Rows.time(item, "started_at", a.getOffsetDateTime("started_at"));
                                    item.put("duration_ms", a.getInteger("duration_ms"));
                                    item.put("status_code", a.getInteger("status_code"));
                                    item.put("error", a.getString("error"));
                                    item.put("response", a.getString("response"));
                                }
                                return Optional.of(node);
                            });
                });
    }

    private static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        node.put("webhook_id", r.getUUID("webhook_id") == null ? null : r.getUUID("webhook_id").toString());
        node.put("run_id", r.getUUID("run_id") == null ? null : r.getUUID("run_id").toString());
        node.put("event_id", r.getLong("event_id"));
        node.put("event_type", r.getString("event_type"));
        node.put("url", r.getString("url"));
        boolean inFlight = r.getString("status").equals("pending") && r.getOffsetDateTime("lease_until") != null
                && r.getOffsetDateTime("lease_until").isAfter(OffsetDateTime.now());
        node.put("status", r.getString("status"));
        node.put("in_flight", inFlight);
        node.put("attempts", r.getInteger("attempts"));
        Rows.time(node, "next_attempt_at", r.getString("status").equals("pending")
                ? r.getOffsetDateTime("next_attempt_at") : null);
        Rows.time(node, "give_up_at", r.getOffsetDateTime("give_up_at"));
        node.put("last_status_code", r.getInteger("last_status_code"));
        node.put("last_error", r.getString("last_error"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "delivered_at", r.getOffsetDateTime("delivered_at"));
        return node;
    }

    /** A duration as the statements take it: milliseconds. */
    private static long interval(Duration d) {
        return d.toMillis();
    }
}
