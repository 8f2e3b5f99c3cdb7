package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The audit log: appended, never changed. */
@ApplicationScoped
public class AuditRepository {

    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> append(String actor, String role, String workspace, String action, String target,
            JsonNode details) {
        return pool.preparedQuery("INSERT INTO audit_log (actor, actor_role, workspace_id, action, target, details) "
                + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)")
                .execute(Tuple.from(Arrays.asList(actor, role, workspace, action, target, details.toString())))
                .replaceWithVoid();
    }

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<ObjectNode>> page(String action, Instant since, Long before, int limit) {
        return pool.preparedQuery("SELECT id, at, actor, actor_role, workspace_id, action, target, details::text "
                + "AS details FROM audit_log WHERE ($1::text IS NULL OR action = $1) "
                + "AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::bigint IS NULL OR id < $3) "
                + "ORDER BY id DESC LIMIT $4")
                .execute(Tuple.from(Arrays.asList(action, since == null ? null
                        : since.atOffset(ZoneOffset.UTC), before, limit)))
                .map(rows -> Rows.list(rows, r -> {
                    var n = JsonNodeFactory.instance.objectNode();
                    n.put("id", r.getLong("id"));
                    Rows.time(n, "at", r.getOffsetDateTime("at"));
                    n.put("actor", r.getString("actor"));
                    n.put("actor_role", r.getString("actor_role"));
                    n.put("workspace_id", r.getString("workspace_id"));
                    n.put("action", r.getString("action"));
                    n.put("target", r.getString("target"));
                    n.set("details", Rows.json(r, "details"));
                    return n;
                }));
    }
}
