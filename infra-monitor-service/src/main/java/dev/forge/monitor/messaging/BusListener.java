package dev.forge.monitor.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.forge.core.messaging.BusClient;
import dev.forge.core.messaging.BusConsumer;
import dev.forge.core.messaging.Exchanges;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.EventBackfill;
import dev.forge.monitor.service.EventService;
import dev.forge.monitor.service.LogService;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The monitor's RabbitMQ consumers (connector channels {@code forge-monitor-events-in} and
 * {@code forge-monitor-logs-in}): every run event ({@code forge.events}, in batches) and every shipped log record
 * ({@code forge.logs}). Events missed while the monitor was away (or the broker was) are copied from the events table
 * at start-up and after each reconnection (and each minute for the last hour, MonitorRounds), so the history has no
 * holes.
 */
@ApplicationScoped
public class BusListener {

    public static final String EVENTS = "forge-monitor-events-in";
    public static final String LOGS = "forge-monitor-logs-in";
    private static final Logger LOG = Logger.getLogger(BusListener.class);

    private final Multi<Message<byte[]>> eventMessages;
    private final Multi<Message<byte[]>> logMessages;
    private final BusClient bus;
    private final EventService events;
    private final LogService logs;
    private final EventBackfill backfill;
    private final Duration retention;
    private final String eventsQueue;
    private final String logsQueue;

    public BusListener(@Channel(EVENTS) Multi<Message<byte[]>> eventMessages,
            @Channel(LOGS) Multi<Message<byte[]>> logMessages, BusClient bus, EventService events, LogService logs,
            EventBackfill backfill, MonitorConfig monitor,
            @ConfigProperty(name = "mp.messaging.incoming.forge-monitor-events-in.queue.name") String eventsQueue,
            @ConfigProperty(name = "mp.messaging.incoming.forge-monitor-logs-in.queue.name") String logsQueue) {
        this.eventMessages = eventMessages;
        this.logMessages = logMessages;
        this.retention = monitor.eventRetention();
        this.bus = bus;
        this.events = events;
        this.logs = logs;
        this.backfill = backfill;
        this.eventsQueue = eventsQueue;
        this.logsQueue = logsQueue;
    }

    void start(@Observes StartupEvent event) {
        bus.keepBound(eventsQueue, Exchanges.EVENTS, "#");
        bus.keepBound(logsQueue, Exchanges.LOGS, "#");
        // acknowledged once stored; a failed insert is left to the backfill
        BusConsumer.consume(EVENTS, eventMessages, body -> events.received(BusConsumer.events(body))
                .onFailure().invoke(e -> LOG.debugf("Events not stored: %s", e.getMessage()))
                .onFailure().recoverWithNull());
        BusConsumer.consume(LOGS, logMessages, body -> {
            logs.received(body);
            return Uni.createFrom().voidItem();
        });
        runBackfill();
        bus.onReconnect(this::runBackfill);
    }

    private void runBackfill() {
        backfill.copyMissed(retention).subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("Copied %d events published while the monitor was not listening", n);
            }
        }, e -> LOG.warnf("Event backfill failed: %s", e.getMessage()));
    }
}
