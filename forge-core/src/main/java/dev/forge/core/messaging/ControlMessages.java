package dev.forge.core.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.forge.telemetry.messaging.BusDrops;
import dev.forge.telemetry.tracing.TraceContext;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.json.JsonObject;

/**
 * Control messages to the worker that runs a run, over the control exchange (routing key = worker id), on the
 * connector channel {@code forge-control-out}: a connection of its own, so a cancel never waits behind the relay's
 * batches or their confirms. They are sent after the request is committed in PostgreSQL, which stays the source of
 * truth: a worker that misses one finds the request at its next heartbeat.
 */
@ApplicationScoped
public class ControlMessages {

    public static final String CHANNEL = "forge-control-out";
    private static final Logger LOG = Logger.getLogger(ControlMessages.class);
    private static final String CANCEL = "cancel";
    private static final String SIGNAL = "signal";

    private final MutinyEmitter<byte[]> out;
    private final BusDrops drops;

    public ControlMessages(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1_000)
    MutinyEmitter<byte[]> out, BusDrops drops) {
        this.out = out;
        this.drops = drops;
    }

    /** Tells the worker to cancel the run now; best effort, never blocks. */
    public void sendCancel(UUID workerId, UUID runId) {
        send(workerId, "cancel-" + runId, new JsonObject().put("type", CANCEL).put("run_id", runId.toString()),
                "cancel of run " + runId);
    }

    /** Tells the worker running a session's run that a message for it arrived; best effort. */
    public void sendSignal(UUID workerId, UUID sessionId) {
        send(workerId, "signal-" + sessionId, new JsonObject().put("type", SIGNAL)
                .put("session_id", sessionId.toString()), "signal for session " + sessionId);
    }

    private void send(UUID workerId, String messageId, JsonObject message, String what) {
        var metadata = BusDrops.transientMessage(workerId.toString()).withMessageId(messageId);
        // the requesting call's trace travels as the AMQP traceparent header
        TraceContext.currentTraceparent().ifPresent(t -> metadata.withHeader(TraceContext.TRACEPARENT, t));
        var body = message.encode().getBytes(StandardCharsets.UTF_8);
        // when dropped (counted), the request is in PostgreSQL: the worker finds it at its next heartbeat or poll
        LOG.debugf("Control message (%s) to worker %s", what, workerId);
        drops.send(CHANNEL, () -> out.sendMessage(Message.of(body).addMetadata(metadata.build())));
    }

    /** The run a control message asks to cancel, if it is a cancel. */
    public static Optional<UUID> cancelledRun(byte[] body) {
        return field(body, CANCEL, "run_id");
    }

    /** The session a control message says has a new message, if it is a signal. */
    public static Optional<UUID> signalledSession(byte[] body) {
        return field(body, SIGNAL, "session_id");
    }

    private static Optional<UUID> field(byte[] body, String type, String field) {
        try {
            var json = new JsonObject(new String(body, StandardCharsets.UTF_8));
            return type.equals(json.getString("type")) ? Optional.of(UUID.fromString(json.getString(field)))
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
