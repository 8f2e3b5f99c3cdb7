package dev.forge.monitor.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.forge.api.repository.OnVertxContext;
import dev.forge.api.repository.UniqueViolation;
import dev.forge.core.secret.SecretResealer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Gateways added over the API, through Hibernate Reactive with Panache; the token column holds sealed bytes only. Each
 * method is one unit of work on a context of its own ({@link OnVertxContext#isolated}): the health round reloads the
 * table from a periodic task.
 */
@ApplicationScoped
public class GatewayRepository implements PanacheRepositoryBase<MonitoredGateway, String> {

    /** Where gateways' sealed tokens live: the monitor reseals them after a key rotation (SecretResealer). */
    @Produces
    public static final SecretResealer.SealedColumn SEALED_TOKENS = new SecretResealer.SealedColumn(
            "monitor_gateways", "id", "token", "");

    /** A stored gateway with its sealed token. */
    public record StoredGateway(String id, String name, String url, String datacenter, byte[] sealedToken) {
    }

    public Uni<List<StoredGateway>> all() {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> listAll(Sort.ascending("id"))))
                .map(all -> all.stream().map(GatewayRepository::stored).toList());
    }

    /** False when the id is taken (also when another monitor inserted it a moment before: the key decides). */
    public Uni<Boolean> insert(StoredGateway g) {
        var entity = new MonitoredGateway();
        entity.id = g.id();
        copy(g, entity);
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> findById(g.id())
                .flatMap(existing -> existing != null ? Uni.createFrom().item(false)
                        : persist(entity).replaceWith(true))))
                .onFailure(UniqueViolation::test).recoverWithItem(false);
    }

    /** Replaces every field (the caller merged the patch); false when the gateway is gone. */
    public Uni<Boolean> update(StoredGateway g) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> findById(g.id()).map(found -> {
            if (found == null) {
                return false;
            }
            copy(g, found);
            found.updatedAt = OffsetDateTime.now();
            return true;
        })));
    }

    public Uni<Boolean> delete(String id) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> deleteById(id)));
    }

    public Uni<Optional<StoredGateway>> find(String id) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> findById(id)))
                .map(found -> Optional.ofNullable(found).map(GatewayRepository::stored));
    }

    private static void copy(StoredGateway from, MonitoredGateway to) {
        to.name = from.name();
        to.url = from.url();
        to.datacenter = from.datacenter();
        to.token = from.sealedToken();
    }

    private static StoredGateway stored(MonitoredGateway g) {
        return new StoredGateway(g.id, g.name, g.url, g.datacenter, g.token);
    }
}
