package dev.forge.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.messaging.Exchanges;
import dev.forge.core.messaging.Rabbit;

/**
 * Token deltas of a streaming llm step, published straight to the events exchange as {@code message.delta}: they are
 * for whoever follows the run right now (SSE and gRPC streams), so they skip the outbox and the database — the step's
 * whole message is committed once, with its checkpoint, as before.
 */
@ApplicationScoped
public class MessageDeltas {

    public static final String TYPE = "message.delta";

    private final Rabbit rabbit;

    public MessageDeltas(Rabbit rabbit) {
        this.rabbit = rabbit;
    }

    /** {@code seq} orders the deltas of one step ({@code step} is the step index the message will commit as). */
    public void publish(UUID runId, String workspace, String executor, int step, int seq, String delta) {
        var json = JsonNodeFactory.instance.objectNode().put("run_id", runId.toString()).put("type", TYPE)
                .put("executor", executor).put("step", step).put("seq", seq).put("delta", delta);
        rabbit.publishTransient(Exchanges.EVENTS, Exchanges.eventKey(workspace, TYPE),
                json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
