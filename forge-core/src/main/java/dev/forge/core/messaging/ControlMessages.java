package dev.forge.core.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.forge.telemetry.tracing.TraceContext;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;

/**
 * Control messages to the worker that runs a run, over the control exchange (routing key = worker id). They are sent
 * after the request is committed in PostgreSQL, which stays the source of truth: a worker that misses one finds the
 * request at its next heartbeat.
 */
@ApplicationScoped
public class ControlMessages {

    private static final Logger LOG = Logger.getLogger(ControlMessages.class);
    private static final String CANCEL = "cancel";
    private static final String SIGNAL = "signal";

    private final Rabbit rabbit;

    public ControlMessages(Rabbit rabbit) {
        this.rabbit = rabbit;
    }

    /** Tells the worker to cancel the run now; best effort, off the event loop. */
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
        var body = message.encode().getBytes(StandardCharsets.UTF_8);
        // the requesting call's trace, taken here on its own thread, travels as the AMQP traceparent header
        java.util.Map<String, Object> headers = TraceContext.currentTraceparent()
                .<java.util.Map<String, Object>>map(t -> java.util.Map.of(TraceContext.TRACEPARENT, t))
                .orElse(java.util.Map.of());
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                rabbit.publishConfirmed(Exchanges.CONTROL,
                        List.of(new Rabbit.Message(workerId.toString(), messageId, body, headers)), 2_000);
            } catch (Exception e) {
                // the request is in PostgreSQL: the worker finds it at its next heartbeat or poll
                LOG.debugf("Control message (%s) not delivered to worker %s: %s", what, workerId, e.getMessage());
            }
        });
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
