package dev.forge.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.messaging.Exchanges;
import dev.forge.telemetry.messaging.BusDrops;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Token deltas of a streaming llm step, published straight to the events exchange as {@code message.delta} (connector
 * channel {@code forge-deltas-out}, never confirmed): they are for whoever follows the run right now (SSE and gRPC
 * streams), so they skip the outbox and the database — the step's whole message is committed once, with its
 * checkpoint, as before. A full buffer (the broker is away) drops them, counted.
 */
@ApplicationScoped
public class MessageDeltas {

    public static final String TYPE = "message.delta";
    public static final String CHANNEL = "forge-deltas-out";

    private final MutinyEmitter<byte[]> out;
    private final BusDrops drops;

    public MessageDeltas(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1_000)
    MutinyEmitter<byte[]> out, BusDrops drops) {
        this.out = out;
        this.drops = drops;
    }

    /**
     * {@code seq} orders the deltas of one step ({@code step} is the step index the message will commit as). The
     * answer completes once the delta is handed to the broker (or dropped): the step waits for its last delta before
     * it commits, so followers usually see the deltas before the step's events — usually, not always: the events
     * reach the gateway through the database, the deltas through the broker (CI saw the last ones arrive late).
     */
    public CompletionStage<Void> publish(UUID runId, String workspace, String executor, int step, int seq, String delta) {
        var json = JsonNodeFactory.instance.objectNode().put("run_id", runId.toString()).put("type", TYPE)
                .put("executor", executor).put("step", step).put("seq", seq).put("delta", delta);
        var metadata = BusDrops.transientMessage(Exchanges.eventKey(workspace, TYPE)).build();
        var body = json.toString().getBytes(StandardCharsets.UTF_8);
        return drops.send(CHANNEL, () -> out.sendMessage(Message.of(body).addMetadata(metadata)));
    }
}
