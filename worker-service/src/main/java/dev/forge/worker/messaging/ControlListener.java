package dev.forge.worker.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.forge.core.messaging.BusClient;
import dev.forge.core.messaging.BusConsumer;
import dev.forge.core.messaging.Exchanges;
import dev.forge.worker.service.WorkerEngine;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Control messages (cancel, signal) for this process's workers, from connector channel {@code forge-control-in}: one
 * queue a process on {@code forge.control}, bound to the main worker's id by the connector and to every further
 * engine's id (tests run several side by side) through the topology check.
 */
@ApplicationScoped
public class ControlListener {

    public static final String CHANNEL = "forge-control-in";

    private final Multi<Message<byte[]>> messages;
    private final BusClient bus;
    private final String queue;
    private final List<WorkerEngine> engines = new CopyOnWriteArrayList<>();

    public ControlListener(@Channel(CHANNEL) Multi<Message<byte[]>> messages, BusClient bus,
            @ConfigProperty(name = "mp.messaging.incoming.forge-control-in.queue.name") String queue) {
        this.messages = messages;
        this.bus = bus;
        this.queue = queue;
    }

    void start(@Observes StartupEvent event) {
        BusConsumer.consume(CHANNEL, messages, body -> {
            engines.forEach(e -> e.onControl(body));
            return Uni.createFrom().voidItem();
        });
    }

    /** Routes control messages addressed to {@code engine}'s id to it. */
    public void add(WorkerEngine engine) {
        engines.add(engine);
        bus.keepBound(queue, Exchanges.CONTROL, engine.id().toString());
    }
}
