package dev.forge.core.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

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
        var body = new JsonObject().put("type", CANCEL).put("run_id", runId.toString()).encode()
                .getBytes(StandardCharsets.UTF_8);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                rabbit.publishConfirmed(Exchanges.CONTROL,
                        List.of(new Rabbit.Message(workerId.toString(), "cancel-" + runId, body)), 2_000);
            } catch (Exception e) {
                LOG.warnf("Cancel of run %s not delivered to worker %s (%s); it will see it at its next heartbeat",
                        runId, workerId, e.getMessage());
            }
        });
    }

    /** Tells the worker running a session's run that a message for it arrived; best effort. */
    public void sendSignal(UUID workerId, UUID sessionId) {
        var body = new JsonObject().put("type", SIGNAL).put("session_id", sessionId.toString()).encode()
                .getBytes(StandardCharsets.UTF_8);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                rabbit.publishConfirmed(Exchanges.CONTROL,
                        List.of(new Rabbit.Message(workerId.toString(), "signal-" + sessionId, body)), 2_000);
            } catch (Exception e) {
                LOG.debugf("Signal for session %s not delivered to worker %s (%s); the waiter polls", sessionId,
                        workerId, e.getMessage());
            }
        });
    }

    /** The session a control message says has a new message, if it is a signal. */
    public static Optional<UUID> signalledSession(byte[] body) {
        try {
            var json = new JsonObject(new String(body, StandardCharsets.UTF_8));
            return SIGNAL.equals(json.getString("type")) ? Optional.of(UUID.fromString(json.getString("session_id")))
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The run a control message asks to cancel, if it is a cancel. */
    public static Optional<UUID> cancelledRun(byte[] body) {
        try {
            var json = new JsonObject(new String(body, StandardCharsets.UTF_8));
            return CANCEL.equals(json.getString("type")) ? Optional.of(UUID.fromString(json.getString("run_id")))
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
