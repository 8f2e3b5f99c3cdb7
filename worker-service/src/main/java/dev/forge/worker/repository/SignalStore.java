package dev.forge.worker.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Agent-to-agent messages (run_signals): looked up by the waiting run, written and consumed in step commits. */
@ApplicationScoped
public class SignalStore {

    /** A message waiting for a session's run. */
    public record Signal(long id, JsonNode payload, UUID fromRun, String fromExecutor) {
    }

    private final Pool pool;

    public SignalStore(Pool pool) {
        this.pool = pool;
    }

    /** Whether a session exists in the workspace (a run may only message sessions of its own workspace). */
    public Uni<Boolean> sessionExists(String workspace, UUID sessionId) {
        return pool.preparedQuery("SELECT 1 FROM sessions WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(sessionId, workspace)).map(rows -> rows.size() == 1);
    }

    /** The oldest unconsumed message on the channel for the session, without consuming it. */
    public Uni<Optional<Signal>> peek(String workspace, UUID sessionId, String channel) {
        return pool.preparedQuery("SELECT id, payload::text AS payload, from_run_id, from_executor FROM run_signals "
                + "WHERE target_session_id = $1 AND channel = $2 AND workspace_id = $3 AND consumed_at IS NULL "
                + "ORDER BY id LIMIT 1")
                .execute(Tuple.of(sessionId, channel, workspace))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    var r = rows.iterator().next();
                    try {
                        return Optional.of(new Signal(r.getLong("id"), JsonValues.MAPPER.readTree(
                                r.getString("payload")), r.getUUID("from_run_id"), r.getString("from_executor")));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored signal payload is invalid", e);
                    }
                });
    }

    /** Workers holding the runs of these sessions right now (to tell them to look). */
    public Uni<List<UUID[]>> holders(List<UUID> sessionIds) {
        return pool.preparedQuery("SELECT DISTINCT session_id, locked_by FROM jobs WHERE session_id = ANY($1) "
                + "AND locked_by IS NOT NULL").execute(Tuple.of((Object) sessionIds.toArray(UUID[]::new)))
                .map(rows -> {
                    var out = new ArrayList<UUID[]>();
                    rows.forEach(r -> out.add(new UUID[] { r.getUUID(0), r.getUUID(1) }));
                    return out;
                });
    }
}
