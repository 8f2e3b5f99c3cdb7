package dev.forge.core.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Consumes a connector channel for as long as the service runs. The connector reconnects a lost connection and
 * consumes again by itself, but when the broker cancels the consumer (its queue was deleted) the channel's stream
 * just ends; here it is subscribed again, which has the connector declare the queue and its bindings anew. Messages
 * are handled one after another and acknowledged once handled (a failed handler is logged: PostgreSQL has the
 * truth and every consumer catches up from it).
 */
public final class BusConsumer {

    private static final Logger LOG = Logger.getLogger(BusConsumer.class);

    private BusConsumer() {
    }

    public static Cancellable consume(String channel, Multi<Message<byte[]>> stream,
            Function<byte[], Uni<Void>> handler) {
        return stream
                .onItem().transformToUniAndConcatenate(m -> Uni.createFrom().deferred(() -> handler.apply(m
                        .getPayload())).onFailure().invoke(e -> LOG.debugf("%s: message not handled: %s", channel,
                                e.getMessage()))
                        .onFailure().recoverWithNull()
                        .chain(() -> Uni.createFrom().completionStage(m.ack())))
                .onCompletion().failWith(() -> new IllegalStateException("the broker ended the consumer"))
                .onFailure().invoke(e -> LOG.warnf("Consumer of %s stopped (%s); subscribing again", channel,
                        e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(x -> {
                });
    }

    /**
     * The events in a message of {@code forge.events}: a batch of committed events (a JSON array) or one token
     * delta (an object). Malformed bytes give none.
     */
    public static List<JsonObject> events(byte[] body) {
        try {
            var text = new String(body, StandardCharsets.UTF_8).strip();
            if (text.startsWith("[")) {
                var array = new JsonArray(text);
                var out = new ArrayList<JsonObject>(array.size());
                for (int i = 0; i < array.size(); i++) {
                    if (array.getValue(i) instanceof JsonObject event) {
                        out.add(event);
                    }
                }
                return out;
            }
            return List.of(new JsonObject(text));
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
