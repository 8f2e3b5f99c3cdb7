package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Shipped log records, kept for the retention period. */
@ApplicationScoped
public class LogRepository {

    /** One record as received, ready to store. */
    public record LogRecord(Instant loggedAt, String service, String host, String level, String logger,
            String message, String thread, String traceId, String spanId, UUID runId, String workspace, String mdc,
            String exception) {
    }

    private static final String COLUMNS = "id, logged_at, service, host, level, logger, message, thread, trace_id, "
            + "span_id, run_id, workspace_id, mdc::text AS mdc, exception::text AS exception";

    private final Pool pool;

    public LogRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a batch in one round trip; a record naming a run but no workspace gets the run's. Returns the stored
     * rows' views in order.
     */
    public Uni<List<ObjectNode>> insert(List<LogRecord> batch) {
        var tuples = batch.stream().map(r -> Tuple.from(Arrays.asList(r.loggedAt().atOffset(ZoneOffset.UTC),
                r.service(), r.host(), r.level(), r.logger(), r.message(), r.thread(), r.traceId(), r.spanId(),
                r.runId(), r.workspace(), r.mdc(), r.exception()))).toList();
        return pool.preparedQuery("INSERT INTO monitor_logs (logged_at, service, host, level, logger, message, "
                + "thread, trace_id, span_id, run_id, workspace_id, mdc, exception) VALUES ($1, $2, $3, $4, $5, $6, "
                + "$7, $8, $9, $10, COALESCE($11, (SELECT workspace_id FROM runs WHERE id = $10)), $12::text::jsonb, "
                + "$13::text::jsonb) RETURNING " + COLUMNS)
                .executeBatch(tuples).map(rows -> {
                    var out = new ArrayList<ObjectNode>(batch.size());
                    for (var set = rows; set != null; set = set.next()) {
                        set.forEach(r -> out.add(view(r)));
                    }
                    return out;
                });
    }

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<ObjectNode>> page(LogFilter f, Long before, int limit) {
        return select(f, "($9::bigint IS NULL OR id < $9) ORDER BY id DESC", before, limit);
    }

    /** Oldest first, those after {@code after}: what a live stream resumed from that id missed. */
    public Uni<List<ObjectNode>> after(LogFilter f, long after, int limit) {
        return select(f, "id > $9 ORDER BY id", after, limit);
    }

    private Uni<List<ObjectNode>> select(LogFilter f, String idAndOrder, Long id, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM monitor_logs WHERE "
                + "(cardinality($1::text[]) = 0 OR service = ANY($1)) "
                + "AND (cardinality($2::text[]) = 0 OR level = ANY($2)) AND ($3::uuid IS NULL OR run_id = $3) "
                + "AND ($4::text IS NULL OR trace_id = $4) AND ($5::text IS NULL OR workspace_id = $5) "
                + "AND ($6::text IS NULL OR strpos(lower(message), lower($6)) > 0) "
                + "AND ($7::timestamptz IS NULL OR logged_at >= $7) AND ($8::timestamptz IS NULL OR logged_at < $8) "
                + "AND " + idAndOrder + " LIMIT $10")
                .execute(Tuple.from(Arrays.asList(f.services().toArray(new String[0]),
                        f.levels().toArray(new String[0]), f.runId(), f.traceId(), f.workspace(), f.text(),
                        f.since() == null ? null : f.since().atOffset(ZoneOffset.UTC),
                        f.until() == null ? null : f.until().atOffset(ZoneOffset.UTC), id, limit)))
                .map(rows -> Rows.list(rows, LogRepository::view));
    }

    public Uni<Integer> prune(Instant olderThan) {
        return pool.preparedQuery("DELETE FROM monitor_logs WHERE logged_at < $1")
                .execute(Tuple.of(olderThan.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
    }

    static ObjectNode view(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.getLong("id"));
        Rows.time(n, "logged_at", r.getOffsetDateTime("logged_at"));
        n.put("service", r.getString("service"));
        n.put("host", r.getString("host"));
        n.put("level", r.getString("level"));
        n.put("logger", r.getString("logger"));
        n.put("message", r.getString("message"));
        n.put("thread", r.getString("thread"));
        n.put("trace_id", r.getString("trace_id"));
        n.put("span_id", r.getString("span_id"));
        n.put("run_id", r.getUUID("run_id") == null ? null : r.getUUID("run_id").toString());
        n.put("workspace_id", r.getString("workspace_id"));
        n.set("mdc", Rows.json(r, "mdc"));
        n.set("exception", Rows.json(r, "exception"));
        return n;
    }
}
