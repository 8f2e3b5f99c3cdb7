package dev.forge.monitor.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.core.config.RabbitConfig;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.messaging.Rabbit;
import dev.forge.monitor.repository.EventBackfill;
import dev.forge.monitor.service.EventService;
import dev.forge.monitor.service.LogService;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;

/**
 * The monitor's RabbitMQ consumers: every run event ({@code forge.events}) and every shipped log record
 * ({@code forge.logs}). Events missed while the monitor was away (or the broker was) are copied from the events table
 * at start-up and after each reconnection (and each minute for the last hour, MonitorRounds), so the history has no
 * holes.
 */
@ApplicationScoped
public class BusListener {

    private static final Logger LOG = Logger.getLogger(BusListener.class);

    private final Rabbit rabbit;
    private final RabbitConfig config;
    private final EventService events;
    private final LogService logs;
    private final EventBackfill backfill;
    private final java.time.Duration retention;

    public BusListener(Rabbit rabbit, RabbitConfig config, EventService events, LogService logs,
            EventBackfill backfill, dev.forge.monitor.config.MonitorConfig monitor) {
        this.retention = monitor.eventRetention();
        this.rabbit = rabbit;
        this.config = config;
        this.events = events;
        this.logs = logs;
        this.backfill = backfill;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        rabbit.subscribe(Exchanges.EVENTS, List.of("#"), delivery -> {
            JsonObject message;
            try {
                message = new JsonObject(new String(delivery.body(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                delivery.ack().run();
                return;
            }
            // acknowledged once stored; a failed insert is left to the backfill
            events.received(message).subscribe().with(x -> delivery.ack().run(), e -> {
                LOG.debugf("Event not stored: %s", e.getMessage());
                delivery.ack().run();
            });
        });
        rabbit.subscribe(Exchanges.LOGS, List.of("#"), delivery -> {
            logs.received(delivery.body());
            delivery.ack().run();
        });
        runBackfill();
        rabbit.onReconnect(this::runBackfill);
    }

    private void runBackfill() {
        backfill.copyMissed(retention).subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("Copied %d events published while the monitor was not listening", n);
            }
        }, e -> LOG.warnf("Event backfill failed: %s", e.getMessage()));
    }
}
