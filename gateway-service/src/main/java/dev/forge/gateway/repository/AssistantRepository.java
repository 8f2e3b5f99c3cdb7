package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.OnVertxContext;
import dev.forge.api.repository.Rows;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Assistants and their versions. Creating, changing, listing and the versions go through Hibernate Reactive with
 * Panache, each a unit of work on a Vert.x context of its own ({@link OnVertxContext#isolated}, so REST, gRPC and
 * every caller get their own session). Two reads stay on explicit SQL through the reactive pool: {@link #find}, which
 * run creation calls for every run (the run path stays off the ORM), and {@link #unfinishedRuns}, a count over the
 * runs table. Deleting an assistant spans its sessions and runs and is one SQL transaction in {@code Deleter}.
 */
@ApplicationScoped
public class AssistantRepository implements PanacheRepositoryBase<StoredAssistant, UUID> {

    static final String COLUMNS = "id, workspace_id, name, description, flow_name, flow_version, "
            + "flow_follows_latest, config::text AS config, metadata::text AS metadata, version, created_at, updated_at";

    private final Pool pool;
    private final AssistantVersionRepository versions;

    public AssistantRepository(Pool pool, AssistantVersionRepository versions) {
        this.pool = pool;
        this.versions = versions;
    }

    /** The assistant at version 1, recorded in its versions, in one transaction. */
    public Uni<ObjectNode> insert(UUID id, String workspace, String name, String description, String flowName,
            String flowVersion, boolean followsLatest, JsonNode config, JsonNode metadata) {
        var a = new StoredAssistant();
        a.id = id;
        a.workspaceId = workspace;
        a.name = name;
        a.description = description == null ? "" : description;
        a.flowName = flowName;
        a.flowVersion = flowVersion;
        a.flowFollowsLatest = followsLatest;
        a.config = config.toString();
        a.metadata = metadata.toString();
        a.version = 1;
        // the timestamps are set here, not by the columns' defaults: Hibernate Reactive 3 fails to read generated
        // columns back from INSERT … RETURNING (ArrayIndexOutOfBoundsException in ReactiveValuesResultSet)
        a.createdAt = OffsetDateTime.now();
        a.updatedAt = a.createdAt;
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> persist(a)
                .flatMap(x -> versions.record(a)).replaceWith(a))).map(AssistantRepository::view);
    }

    /**
     * A new version: the given fields replace the current ones (null keeps them), version + 1, recorded in its
     * versions. The row is locked while it changes (SELECT … FOR UPDATE), so concurrent changes each get a version of
     * their own. Runs already created keep the version they pinned.
     */
    public Uni<Optional<ObjectNode>> update(String workspace, UUID id, String name, String description,
            String flowName, String flowVersion, Boolean followsLatest, JsonNode config, JsonNode metadata) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> find("id = ?1 and workspaceId = ?2", id,
                workspace).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult().flatMap(a -> {
                    if (a == null) {
                        return Uni.createFrom().item(Optional.<StoredAssistant>empty());
                    }
                    a.name = name != null ? name : a.name;
                    a.description = description != null ? description : a.description;
                    a.flowName = flowName != null ? flowName : a.flowName;
                    a.flowVersion = flowVersion != null ? flowVersion : a.flowVersion;
                    a.flowFollowsLatest = followsLatest != null ? followsLatest : a.flowFollowsLatest;
                    a.config = config != null ? config.toString() : a.config;
                    a.metadata = metadata != null ? metadata.toString() : a.metadata;
                    a.version++;
                    a.updatedAt = OffsetDateTime.now();
                    return flush().flatMap(x -> versions.record(a)).replaceWith(Optional.of(a));
                }))).map(found -> found.map(AssistantRepository::view));
    }

    public Uni<List<ObjectNode>> versions(UUID id, int limit, int offset) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> versions.newestFirst(id, limit, offset)))
                .map(list -> list.stream().map(AssistantRepository::view).toList());
    }

    /** Unfinished runs of the assistant, which block deleting it. */
    public Uni<Long> unfinishedRuns(String workspace, UUID id) {
        return pool.preparedQuery("SELECT count(*) FROM runs WHERE assistant_id = $1 AND workspace_id = $2 "
                + "AND status IN ('pending', 'running', 'interrupted')").execute(Tuple.of(id, workspace))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The assistant, by explicit SQL: run creation reads it for every run. */
    public Uni<Optional<ObjectNode>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM assistants WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace))
                .map(rows -> Rows.first(rows, AssistantRepository::view));
    }

    /**
     * Newest first; {@code namePrefix} matches literally (no wildcards), {@code metadata} by JSON containment — a
     * jsonb operator JPQL has no word for, so this one query is native SQL, mapped onto the entity.
     */
    public Uni<List<ObjectNode>> list(String workspace, String namePrefix, JsonNode metadata, int limit, int offset) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT * FROM assistants WHERE workspace_id = ?1 "
                        + "AND (CAST(?2 AS text) IS NULL OR starts_with(lower(name), lower(CAST(?2 AS text)))) "
                        + "AND (CAST(?3 AS text) IS NULL OR metadata @> CAST(CAST(?3 AS text) AS jsonb)) "
                        + "ORDER BY created_at DESC, id LIMIT ?4 OFFSET ?5", StoredAssistant.class)
                .setParameter(1, workspace).setParameter(2, namePrefix)
                .setParameter(3, metadata == null ? null : metadata.toString()).setParameter(4, limit)
                .setParameter(5, offset).getResultList())))
                .map(list -> list.stream().map(AssistantRepository::view).toList());
    }

    private static ObjectNode view(StoredAssistant a) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", a.id.toString());
        node.put("workspace_id", a.workspaceId);
        a.writeTo(node);
        node.put("version", a.version);
        Rows.time(node, "created_at", a.createdAt);
        Rows.time(node, "updated_at", a.updatedAt);
        return node;
    }

    private static ObjectNode view(StoredAssistantVersion v) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("assistant_id", v.assistantId.toString());
        node.put("version", v.version);
        v.writeTo(node);
        Rows.time(node, "created_at", v.createdAt);
        return node;
    }

    static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        node.put("name", r.getString("name"));
        node.put("description", r.getString("description"));
        node.putObject("flow").put("name", r.getString("flow_name")).put("version", r.getString("flow_version"))
                .put("follows_latest", r.getBoolean("flow_follows_latest"));
        node.set("config", Rows.json(r, "config"));
        node.set("metadata", Rows.json(r, "metadata"));
        node.put("version", r.getInteger("version"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "updated_at", r.getOffsetDateTime("updated_at"));
        return node;
    }
}
