package dev.forge.gateway.messaging;

import java.util.HashSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.messaging.BusClient;
import dev.forge.core.messaging.BusConsumer;
import dev.forge.core.messaging.Exchanges;
import dev.forge.gateway.service.RunStreamService;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * This gateway's subscription to every run event (connector channel {@code forge-events-in}: a queue of this
 * process, auto-deleted with it, bound to {@code forge.events}): whichever worker (or gateway) committed the events,
 * the SSE and gRPC streams following those runs here are woken at once — once per run per batch — and read them from
 * PostgreSQL; token deltas, which are not stored, go to those streams directly. After a broker restart every open
 * stream re-reads, so nothing published while this gateway was disconnected is missed.
 */
@ApplicationScoped
public class RunEventFanout {

    public static final String CHANNEL = "forge-events-in";

    private final Multi<Message<byte[]>> events;
    private final RunStreamService streams;
    private final BusClient bus;
    private final String queue;

    public RunEventFanout(@Channel(CHANNEL) Multi<Message<byte[]>> events, RunStreamService streams, BusClient bus,
            @ConfigProperty(name = "mp.messaging.incoming.forge-events-in.queue.name") String queue) {
        this.events = events;
        this.streams = streams;
        this.bus = bus;
        this.queue = queue;
    }

    void start(@Observes StartupEvent event) {
        bus.keepBound(queue, Exchanges.EVENTS, "#");
        bus.onReconnect(streams::signalAll);
        BusConsumer.consume(CHANNEL, events, body -> {
            var woken = new HashSet<String>();
            for (var json : BusConsumer.events(body)) {
                try {
                    var runId = json.getString("run_id");
                    if (runId != null && RunStreamService.DELTA.equals(json.getString("type"))) {
                        var payload = JsonNodeFactory.instance.objectNode().put("executor", json.getString("executor"))
                                .put("step", json.getInteger("step", 0)).put("seq", json.getInteger("seq", 0))
                                .put("delta", json.getString("delta"));
                        streams.delta(UUID.fromString(runId), payload);
                    } else if (runId != null && woken.add(runId)) {
                        streams.signal(UUID.fromString(runId));
                    }
                } catch (RuntimeException e) {
                    // a malformed event is dropped; streams still poll
                }
            }
            return Uni.createFrom().voidItem();
        });
    }
}
