package dev.forge.monitor.repository;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.forge.api.repository.Rows;
import dev.forge.core.secret.SecretResealer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Gateways added over the API; the token column holds sealed bytes only. */
@ApplicationScoped
public class GatewayRepository {

    /** Where gateways' sealed tokens live: the monitor reseals them after a key rotation (SecretResealer). */
    @Produces
    public static final SecretResealer.SealedColumn SEALED_TOKENS = new SecretResealer.SealedColumn(
            "monitor_gateways", "id", "token", "");

    /** A stored gateway with its sealed token. */
    public record StoredGateway(String id, String name, String url, String datacenter, byte[] sealedToken) {
    }

    private final Pool pool;

    public GatewayRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<StoredGateway>> all() {
        return pool.query("SELECT id, name, url, datacenter, token FROM monitor_gateways ORDER BY id").execute()
                .map(rows -> Rows.list(rows, GatewayRepository::row));
    }

    /** False when the id is taken. */
    public Uni<Boolean> insert(StoredGateway g) {
        return pool.preparedQuery("INSERT INTO monitor_gateways (id, name, url, datacenter, token) "
                + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.from(Arrays.asList(g.id(), g.name(), g.url(), g.datacenter(), buffer(g.sealedToken()))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Replaces every field (the caller merged the patch); false when the gateway is gone. */
    public Uni<Boolean> update(StoredGateway g) {
        return pool.preparedQuery("UPDATE monitor_gateways SET name = $2, url = $3, datacenter = $4, token = $5, "
                + "updated_at = now() WHERE id = $1")
                .execute(Tuple.from(Arrays.asList(g.id(), g.name(), g.url(), g.datacenter(), buffer(g.sealedToken()))))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> delete(String id) {
        return pool.preparedQuery("DELETE FROM monitor_gateways WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<StoredGateway>> find(String id) {
        return pool.preparedQuery("SELECT id, name, url, datacenter, token FROM monitor_gateways WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> Rows.first(rows, GatewayRepository::row));
    }

    private static StoredGateway row(Row r) {
        var token = r.getBuffer("token");
        return new StoredGateway(r.getString("id"), r.getString("name"), r.getString("url"),
                r.getString("datacenter"), token == null ? null : token.getBytes());
    }

    private static Buffer buffer(byte[] bytes) {
        return bytes == null ? null : Buffer.buffer(bytes);
    }
}
