package dev.forge.gateway.repository;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The reads LangGraph's API needs that Forge's own API does not: searches by its filters, checkpoints by id. */
@ApplicationScoped
public class LangGraphRepository {

    /** LangGraph's sort_by values → columns (a whitelist: the value is never spliced into SQL otherwise). */
    private static final Map<String, String> ASSISTANT_SORT = Map.of("assistant_id", "id", "graph_id", "flow_name",
            "name", "name", "created_at", "created_at", "updated_at", "updated_at");
    private static final Map<String, String> THREAD_SORT = Map.of("thread_id", "s.id", "status", "thread_status",
            "created_at", "s.created_at", "updated_at", "s.updated_at");
    /** A session's status as LangGraph names it: interrupted while its latest run waits for a person. */
    private static final String THREADS = "SELECT s.id, s.workspace_id, s.assistant_id, s.metadata::text AS metadata, "
            + "s.status, s.created_at, s.updated_at, CASE WHEN latest.status = 'interrupted' THEN 'interrupted' "
            + "ELSE s.status END AS thread_status FROM sessions s LEFT JOIN LATERAL (SELECT status FROM runs "
            + "WHERE session_id = s.id ORDER BY created_at DESC, id DESC LIMIT 1) latest ON true "
            + "WHERE s.workspace_id = $1 AND ($2::uuid[] IS NULL OR s.id = ANY($2)) "
            + "AND ($3::text IS NULL OR s.metadata @> $3::text::jsonb)";

    private final Pool pool;

    public LangGraphRepository(Pool pool) {
        this.pool = pool;
    }

    public static boolean assistantSortable(String sortBy) {
        return ASSISTANT_SORT.containsKey(sortBy);
    }

    public static boolean threadSortable(String sortBy) {
        return THREAD_SORT.containsKey(sortBy);
    }

    public Uni<List<ObjectNode>> searchAssistants(String workspace, String flow, String name, JsonNode metadata,
            String sortBy, boolean ascending, int limit, int offset) {
        return pool.preparedQuery("SELECT " + AssistantRepository.COLUMNS + " FROM assistants WHERE workspace_id = $1 "
                + "AND ($2::text IS NULL OR flow_name = $2) AND ($3::text IS NULL OR name = $3) "
                + "AND ($4::text IS NULL OR metadata @> $4::text::jsonb) ORDER BY "
                + ASSISTANT_SORT.get(sortBy) + (ascending ? " ASC" : " DESC") + ", id LIMIT $5 OFFSET $6")
                .execute(Tuple.from(Arrays.asList(workspace, flow, name, text(metadata), limit, offset)))
                .map(rows -> Rows.list(rows, AssistantRepository::view));
    }

    public Uni<Long> countAssistants(String workspace, String flow, String name, JsonNode metadata) {
        return pool.preparedQuery("SELECT count(*) FROM assistants WHERE workspace_id = $1 "
                + "AND ($2::text IS NULL OR flow_name = $2) AND ($3::text IS NULL OR name = $3) "
                + "AND ($4::text IS NULL OR metadata @> $4::text::jsonb)")
                .execute(Tuple.from(Arrays.asList(workspace, flow, name, text(metadata))))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Sessions with LangGraph's thread status ({@code status} filters on it). */
    public Uni<List<ObjectNode>> searchThreads(String workspace, List<UUID> ids, JsonNode metadata, String status,
            String sortBy, boolean ascending, int limit, int offset) {
        return pool.preparedQuery("SELECT * FROM (" + THREADS + ") t WHERE ($4::text IS NULL OR thread_status = $4) "
                + "ORDER BY " + THREAD_SORT.get(sortBy).replace("s.", "t.") + (ascending ? " ASC" : " DESC")
                + ", t.id LIMIT $5 OFFSET $6")
                .execute(Tuple.from(Arrays.asList(workspace, ids == null ? null : ids.toArray(UUID[]::new),
                        text(metadata), status, limit, offset)))
                .map(rows -> Rows.list(rows, SessionRepository::view));
    }

    public Uni<Long> countThreads(String workspace, JsonNode metadata, String status) {
        return pool.preparedQuery("SELECT count(*) FROM (" + THREADS + ") t WHERE ($4::text IS NULL OR "
                + "thread_status = $4)")
                .execute(Tuple.from(Arrays.asList(workspace, null, text(metadata), status)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** A checkpoint of one of the session's runs, by its id: the run and the step. */
    public record CheckpointAt(UUID runId, int step) {
    }

    public Uni<Optional<CheckpointAt>> checkpoint(String workspace, UUID sessionId, UUID checkpointId) {
        return pool.preparedQuery("SELECT c.run_id, c.step_index FROM workflow_checkpoints c JOIN runs r ON "
                + "r.id = c.run_id WHERE c.id = $1 AND r.session_id = $2 AND r.workspace_id = $3")
                .execute(Tuple.of(checkpointId, sessionId, workspace))
                .map(rows -> Rows.first(rows, r -> new CheckpointAt(r.getUUID("run_id"), r.getInteger("step_index"))));
    }

    /** The session's checkpoints newest first (every run's), before the one given when it is given. */
    public Uni<List<CheckpointAt>> history(String workspace, UUID sessionId, CheckpointAt before, int limit) {
        return pool.preparedQuery("SELECT c.run_id, c.step_index FROM workflow_checkpoints c JOIN runs r ON "
                + "r.id = c.run_id WHERE r.session_id = $1 AND r.workspace_id = $2 AND ($3::uuid IS NULL OR "
                + "(r.created_at, c.step_index) < ((SELECT created_at FROM runs WHERE id = $3), $4)) "
                + "ORDER BY r.created_at DESC, c.step_index DESC LIMIT $5")
                .execute(Tuple.from(Arrays.asList(sessionId, workspace, before == null ? null : before.runId(),
                        before == null ? 0 : before.step(), limit)))
                .map(rows -> Rows.list(rows, r -> new CheckpointAt(r.getUUID("run_id"), r.getInteger("step_index"))));
    }

    /** Keeps a state edit for a waiting run, applied when it is resumed; false when the run does not wait. */
    public Uni<Boolean> keepStateEdit(String workspace, UUID runId, JsonNode edit) {
        return pool.preparedQuery("UPDATE runs SET pending_state = CASE WHEN pending_state IS NULL THEN $3::text::jsonb "
                + "ELSE pending_state || $3::text::jsonb END WHERE id = $1 AND workspace_id = $2 "
                + "AND status = 'interrupted' RETURNING id")
                .execute(Tuple.of(runId, workspace, edit.toString()))
                .map(rows -> rows.iterator().hasNext());
    }

    /** The id of the run's latest stored event (0 without any): a stream continuing the run starts after it. */
    public Uni<Long> lastEventId(UUID runId) {
        return pool.preparedQuery("SELECT COALESCE(max(id), 0) FROM events WHERE run_id = $1")
                .execute(Tuple.of(runId)).map(rows -> rows.iterator().next().getLong(0));
    }

    private static String text(JsonNode json) {
        return json == null || json.isNull() ? null : json.toString();
    }
}
