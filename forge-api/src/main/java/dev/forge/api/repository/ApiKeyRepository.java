package dev.forge.api.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * API keys by hash; the secret itself is never stored. Hibernate Reactive with Panache: each method is one unit of
 * work and opens its own session ({@link WithSession}) or transaction ({@link WithTransaction}) here, at the
 * repository, so callers — the auth filter, gRPC interceptors, Vert.x routes, all on the request's event loop — never
 * share a session or run two operations on one at a time.
 */
@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    /** A live key found by its hash. */
    public record KeyRow(UUID id, String workspace, String role, String prefix, boolean platform) {
    }

    @WithTransaction
    public Uni<ObjectNode> insert(UUID id, String workspace, String name, String role, boolean platform, String prefix,
            String hash, UUID createdBy) {
        var key = new ApiKey();
        key.id = id;
        key.workspaceId = workspace;
        key.name = name;
        key.role = role;
        key.platform = platform;
        key.keyPrefix = prefix;
        key.keyHash = hash;
        key.createdBy = createdBy;
        // flushed now, so the database's created_at comes back in the answer
        return persistAndFlush(key).map(ApiKeyRepository::view);
    }

    /**
     * Inserts the bootstrap key (a platform admin) unless a key with that hash exists; true when inserted. Two gateways
     * starting at once may both try: an upsert, which JPQL cannot say, so native SQL for this one statement.
     */
    @WithTransaction
    public Uni<Boolean> insertIfAbsent(String workspace, String name, String role, String prefix, String hash) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "INSERT INTO api_keys (id, workspace_id, name, role, key_prefix, key_hash, platform) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, TRUE) ON CONFLICT (key_hash) DO NOTHING")
                .setParameter(1, UUID.randomUUID()).setParameter(2, workspace).setParameter(3, name)
                .setParameter(4, role).setParameter(5, prefix).setParameter(6, hash)
                .executeUpdate()).map(inserted -> inserted == 1);
    }

    @WithSession
    public Uni<Optional<KeyRow>> findLive(String hash) {
        return find("keyHash = ?1 and revokedAt is null", hash).firstResult()
                .map(key -> Optional.ofNullable(key).map(k -> new KeyRow(k.id, k.workspaceId, k.role, k.keyPrefix,
                        k.platform)));
    }

    @WithSession
    public Uni<List<ObjectNode>> list(String workspace, int limit, int offset) {
        return find("workspaceId", Sort.descending("createdAt").and("id"), workspace)
                .range(offset, offset + limit - 1).list()
                .map(keys -> keys.stream().map(ApiKeyRepository::view).toList());
    }

    /** Revokes a live key of the workspace; false when there is none. */
    @WithTransaction
    public Uni<Boolean> revoke(String workspace, UUID id) {
        return update("revokedAt = ?1 where id = ?2 and workspaceId = ?3 and revokedAt is null",
                OffsetDateTime.now(), id, workspace).map(updated -> updated == 1);
    }

    static ObjectNode view(ApiKey key) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", key.id.toString());
        node.put("workspace_id", key.workspaceId);
        node.put("name", key.name);
        node.put("role", key.role);
        node.put("platform", key.platform);
        node.put("prefix", key.keyPrefix);
        node.put("created_by", key.createdBy == null ? null : key.createdBy.toString());
        Rows.time(node, "created_at", key.createdAt);
        Rows.time(node, "revoked_at", key.revokedAt);
        return node;
    }
}
