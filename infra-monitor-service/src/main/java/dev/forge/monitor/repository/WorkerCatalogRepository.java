package dev.forge.monitor.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** The workers table of the bus gateway's cluster, as registry entries. */
@ApplicationScoped
public class WorkerCatalogRepository {

    private final Pool pool;

    public WorkerCatalogRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ObjectNode>> workers() {
        return pool.query("SELECT id, host, status, slots_total, slots_used, capabilities::text AS capabilities, "
                + "started_at, heartbeat_at, extract(epoch FROM now() - heartbeat_at) AS silent, "
                + "extract(epoch FROM now() - started_at) AS up FROM workers ORDER BY started_at").execute()
                .map(rows -> Rows.list(rows, r -> {
                    var n = JsonNodeFactory.instance.objectNode();
                    n.put("id", r.getUUID("id").toString());
                    n.put("host", r.getString("host"));
                    n.put("state", r.getString("status"));
                    n.put("slots_total", r.getInteger("slots_total"));
                    n.put("slots_used", r.getInteger("slots_used"));
                    n.set("capabilities", Rows.json(r, "capabilities"));
                    Rows.time(n, "started_at", r.getOffsetDateTime("started_at"));
                    Rows.time(n, "heartbeat_at", r.getOffsetDateTime("heartbeat_at"));
                    n.put("seconds_since_heartbeat", r.getBigDecimal("silent").doubleValue());
                    n.put("uptime_seconds", r.getBigDecimal("up").longValue());
                    return n;
                }));
    }
}
