package dev.forge.gateway.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.config.RabbitConfig;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.messaging.Rabbit;
import dev.forge.gateway.service.RunStreamService;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;

/**
 * This gateway's subscription to every run event on RabbitMQ: whichever worker (or gateway) committed the event,
 * the SSE and gRPC streams following that run here are woken at once and read it from PostgreSQL; token deltas,
 * which are not stored, go to those streams directly. After a broker
 * restart every open stream re-reads, so nothing published while this gateway was disconnected is missed.
 */
@ApplicationScoped
public class RunEventFanout {

    private final Rabbit rabbit;
    private final RunStreamService streams;
    private final RabbitConfig config;

    public RunEventFanout(Rabbit rabbit, RunStreamService streams, RabbitConfig config) {
        this.rabbit = rabbit;
        this.streams = streams;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        rabbit.subscribe(Exchanges.EVENTS, List.of("#"), delivery -> {
            try {
                var json = new JsonObject(new String(delivery.body(), StandardCharsets.UTF_8));
                var runId = json.getString("run_id");
                if (runId != null && RunStreamService.DELTA.equals(json.getString("type"))) {
                    var payload = JsonNodeFactory.instance.objectNode().put("executor", json.getString("executor"))
                            .put("step", json.getInteger("step", 0)).put("seq", json.getInteger("seq", 0))
                            .put("delta", json.getString("delta"));
                    streams.delta(UUID.fromString(runId), payload);
                } else if (runId != null) {
                    streams.signal(UUID.fromString(runId));
                }
            } catch (RuntimeException e) {
                // a malformed message is dropped; streams still poll
            }
            delivery.ack().run();
        });
        rabbit.onReconnect(streams::signalAll);
    }
}
