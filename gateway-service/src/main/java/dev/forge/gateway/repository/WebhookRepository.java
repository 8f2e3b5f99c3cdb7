package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.forge.api.repository.OnVertxContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Webhook subscriptions through Hibernate Reactive with Panache, each method a unit of work of its own. */
@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<StoredWebhook, UUID> {

    public Uni<StoredWebhook> insert(StoredWebhook webhook) {
        webhook.createdAt = OffsetDateTime.now();
        webhook.updatedAt = webhook.createdAt;
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> persist(webhook)));
    }

    public Uni<Optional<StoredWebhook>> find(String workspace, UUID id) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find("id = ?1 and workspaceId = ?2", id,
                workspace).firstResult().map(Optional::ofNullable)));
    }

    /** A workspace's subscriptions, oldest first. */
    public Uni<List<StoredWebhook>> list(String workspace, int limit, int offset) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find("workspaceId = ?1",
                Sort.by("createdAt").and("id"), workspace).range(offset, offset + limit - 1).list()));
    }

    /** Changes a subscription under its row lock; empty if unknown. */
    public Uni<Optional<StoredWebhook>> update(String workspace, UUID id, Consumer<StoredWebhook> change) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> find("id = ?1 and workspaceId = ?2", id,
                workspace).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult().map(w -> {
                    if (w == null) {
                        return Optional.<StoredWebhook>empty();
                    }
                    change.accept(w);
                    w.updatedAt = OffsetDateTime.now();
                    return Optional.of(w);
                })));
    }

    /** Deletes the subscription and its delivery log. */
    public Uni<Boolean> delete(String workspace, UUID id) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> delete("id = ?1 and workspaceId = ?2",
                id, workspace).map(n -> n > 0)));
    }
}
