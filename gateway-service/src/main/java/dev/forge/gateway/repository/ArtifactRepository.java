package dev.forge.gateway.repository;

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
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Artifact metadata (the bytes are in S3) and the runs that reference artifacts. */
@ApplicationScoped
public class ArtifactRepository {

    private static final String COLUMNS = "id, workspace_id, name, content_type, size_bytes, sha256, storage_key, "
            + "created_at";

    private final Pool pool;

    public ArtifactRepository(Pool pool) {
        this.pool = pool;
    }

    /** One stored artifact: its metadata as the API shows it, and where its bytes are. */
    public record Artifact(UUID id, String name, String contentType, long sizeBytes, String sha256,
            String storageKey, OffsetDateTime createdAt) {

        public ObjectNode view() {
            var node = JsonNodeFactory.instance.objectNode();
            node.put("id", id.toString()).put("name", name).put("content_type", contentType)
                    .put("size_bytes", sizeBytes).put("sha256", sha256)
                    .put("created_at", createdAt.toInstant().toString());
            return node;
        }
    }

    public Uni<Artifact> insert(UUID id, String workspace, String name, String contentType, long size,
            String sha256, String storageKey, UUID createdBy) {
        return pool.preparedQuery("INSERT INTO artifacts (id, workspace_id, name, content_type, size_bytes, sha256, "
                + "storage_key, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(id, workspace, name, contentType, size, sha256, storageKey,
                        createdBy == null ? UUID.randomUUID() : createdBy)))
                .map(rows -> artifact(rows.iterator().next()));
    }

    public Uni<Optional<Artifact>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM artifacts WHERE workspace_id = $1 AND id = $2")
                .execute(Tuple.of(workspace, id))
                .map(rows -> Rows.first(rows, ArtifactRepository::artifact));
    }

    /** Newest first, after the cursor (created_at and id of the previous page's last item). */
    public Uni<List<Artifact>> list(String workspace, OffsetDateTime beforeTime, UUID beforeId, int limit,
            int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM artifacts WHERE workspace_id = $1 "
                + "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3)) "
                + "ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5")
                .execute(Tuple.of(workspace, beforeTime, beforeId, limit, offset))
                .map(rows -> Rows.list(rows, ArtifactRepository::artifact));
    }

    /** An artifact a new run references, as far as its prompts are concerned. */
    public record Held(UUID id, String contentType, long sizeBytes) {
    }

    /** Those of {@code ids} that exist in the workspace, key-share locked until the transaction ends. */
    public Uni<List<Held>> holdExisting(SqlClient tx, String workspace, List<UUID> ids) {
        return tx.preparedQuery("SELECT id, content_type, size_bytes FROM artifacts WHERE workspace_id = $1 "
                + "AND id = ANY($2) FOR KEY SHARE")
                .execute(Tuple.of(workspace, ids.toArray(UUID[]::new)))
                .map(rows -> Rows.list(rows, r -> new Held(r.getUUID(0), r.getString(1), r.getLong(2))));
    }

    /** Links a new run to the artifacts its input references; inside the run's creating transaction. */
    public Uni<Void> link(SqlClient tx, UUID runId, List<UUID> artifactIds) {
        if (artifactIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var tuples = new ArrayList<Tuple>();
        for (int i = 0; i < artifactIds.size(); i++) {
            tuples.add(Tuple.of(runId, i, artifactIds.get(i)));
        }
        return tx.preparedQuery("INSERT INTO run_artifacts (run_id, position, artifact_id) VALUES ($1, $2, $3)")
                .executeBatch(tuples).replaceWithVoid();
    }

    /** A fork references what its parent referenced. */
    public Uni<Void> copyLinks(SqlClient tx, UUID parentId, UUID forkId) {
        return tx.preparedQuery("INSERT INTO run_artifacts (run_id, position, artifact_id) SELECT $1, position, "
                + "artifact_id FROM run_artifacts WHERE run_id = $2").execute(Tuple.of(forkId, parentId))
                .replaceWithVoid();
    }

    /** The artifacts a run references, in the order its request named them. */
    public Uni<List<Artifact>> ofRun(UUID runId) {
        return pool.preparedQuery("SELECT a.id, a.workspace_id, a.name, a.content_type, a.size_bytes, a.sha256, "
                + "a.storage_key, a.created_at FROM run_artifacts l JOIN artifacts a ON a.id = l.artifact_id "
                + "WHERE l.run_id = $1 ORDER BY l.position")
                .execute(Tuple.of(runId))
                .map(rows -> Rows.list(rows, ArtifactRepository::artifact));
    }

    /**
     * Deletes the artifact's row unless an unfinished run references it (locked, so no run can start referencing
     * it meanwhile). Empty when it does not exist; {@code blockedBy} names a run still using it.
     */
    public record Deletion(Optional<Artifact> deleted, Optional<UUID> blockedBy) {
    }

    public Uni<Deletion> delete(String workspace, UUID id) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + COLUMNS + " FROM artifacts "
                + "WHERE workspace_id = $1 AND id = $2 FOR UPDATE").execute(Tuple.of(workspace, id))
                .flatMap(rows -> {
                    var found = Rows.first(rows, ArtifactRepository::artifact);
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Deletion(Optional.empty(), Optional.empty()));
                    }
                    return tx.preparedQuery("SELECT r.id FROM run_artifacts l JOIN runs r ON r.id = l.run_id "
                            + "WHERE l.artifact_id = $1 AND r.status IN ('pending', 'running', 'interrupted') LIMIT 1")
                            .execute(Tuple.of(id))
                            .flatMap(active -> active.iterator().hasNext()
                                    ? Uni.createFrom().item(new Deletion(Optional.empty(),
                                            Optional.of(active.iterator().next().getUUID(0))))
                                    : tx.preparedQuery("DELETE FROM artifacts WHERE id = $1").execute(Tuple.of(id))
                                            .replaceWith(new Deletion(found, Optional.empty())));
                }));
    }

    static Artifact artifact(Row r) {
        return new Artifact(r.getUUID("id"), r.getString("name"), r.getString("content_type"),
                r.getLong("size_bytes"), r.getString("sha256"), r.getString("storage_key"),
                r.getOffsetDateTime("created_at"));
    }
}
