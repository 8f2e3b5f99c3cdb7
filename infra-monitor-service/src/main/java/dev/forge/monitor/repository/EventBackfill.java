package dev.forge.monitor.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.monitor.config.MonitorConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Copies run events the monitor did not receive over RabbitMQ (it was stopped, or the broker was) from the events
 * table it shares with the bus gateway: every event within the retention period it does not hold (live deliveries
 * may already have stored newer ones, so this is an anti-join, not "after the newest").
 */
@ApplicationScoped
public class EventBackfill {

    private final Pool pool;
    private final MonitorConfig config;

    public EventBackfill(Pool pool, MonitorConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Copies missed events of the last {@code window} (the whole retention period at start-up). */
    public Uni<Integer> copyMissed(Duration window) {
        return pool.preparedQuery("INSERT INTO monitor_events (gateway_id, event_id, workspace_id, run_id, "
                + "session_id, workflow, type, severity, source, payload, trace_id, created_at) "
                + "SELECT $1, e.id, e.workspace_id, e.run_id, e.session_id, r.flow_name, e.type, e.severity, "
                + "e.source, e.payload, NULLIF(split_part(r.trace_parent, '-', 2), ''), e.created_at "
                + "FROM events e LEFT JOIN runs r ON r.id = e.run_id "
                + "WHERE e.created_at >= $2 AND NOT EXISTS (SELECT 1 FROM monitor_events m "
                + "WHERE m.gateway_id = $1 AND m.event_id = e.id) AND e.type <> 'message.delta' "
                + "ORDER BY e.id LIMIT 50000 "
                + "ON CONFLICT (gateway_id, event_id) WHERE event_id IS NOT NULL DO NOTHING")
                .execute(Tuple.of(config.busGateway(),
                        Instant.now().minus(window).atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }
}
