package dev.forge.cli.live;

import java.util.Set;
import java.util.function.Consumer;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.client.Gateway;
import dev.forge.proto.agent.v1.GetRunRequest;
import dev.forge.proto.agent.v1.RunEvent;
import dev.forge.proto.agent.v1.StreamRunEventsRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;

/**
 * Follows a run's event stream to its end. A dropped connection (a gateway restart, a network blip) is reopened after
 * the last durable event seen ({@code after_event_id}), so no event is lost or shown twice; token deltas (id 0) are
 * not stored and are not replayed.
 */
public final class RunFollower {

    public static final Set<String> TERMINAL = Set.of("run.succeeded", "run.failed", "run.cancelled",
            "run.timed_out");
    /** Give up when the gateway stays unreachable this long. */
    private static final long GIVE_UP_MS = 60_000;

    private final Gateway gateway;
    private final String runId;
    private long lastEventId;
    private int reconnects;

    public RunFollower(Gateway gateway, String runId, long afterEventId) {
        this.gateway = gateway;
        this.runId = runId;
        this.lastEventId = afterEventId;
    }

    /**
     * Hands each event to {@code sink} until the run ends (its terminal event type is answered) or, when
     * {@code untilWaiting}, until it waits for a person now ({@code run.interrupted}); call again to go on.
     */
    public String follow(Consumer<RunEvent> sink, boolean untilWaiting) {
        long failingSince = 0;
        long backoff = 200;
        while (true) {
            var call = Context.current().withCancellation();
            try {
                String ended = call.call(() -> read(sink, untilWaiting));
                if (ended != null) {
                    return ended;
                }
                failingSince = 0;
            } catch (StatusRuntimeException e) {
                if (!Gateway.transientFailure(e)) {
                    throw gateway.failure(e);
                }
                long now = System.currentTimeMillis();
                failingSince = failingSince == 0 ? now : failingSince;
                if (now - failingSince > GIVE_UP_MS) {
                    throw new CliException(ExitCodes.UNAVAILABLE, "lost the run's event stream for "
                            + GIVE_UP_MS / 1000 + " s: " + gateway.failure(e).getMessage());
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                call.cancel(null);
            }
            reconnects++;
        }
    }

    /** How often the stream was reopened. */
    public int reconnects() {
        return reconnects;
    }

    public long lastEventId() {
        return lastEventId;
    }

    /** One stream: the terminal (or waiting) type once seen, null when the stream ended without one. */
    private String read(Consumer<RunEvent> sink, boolean untilWaiting) {
        var events = gateway.stream(s -> s.streamRunEvents(StreamRunEventsRequest.newBuilder().setRunId(runId)
                .setAfterEventId(lastEventId).build()));
        while (events.hasNext()) {
            var event = events.next();
            if (event.getId() > 0) {
                lastEventId = event.getId();
            }
            sink.accept(event);
            if (TERMINAL.contains(event.getType())) {
                return event.getType();
            }
            if (untilWaiting && event.getType().equals("run.interrupted") && waitingNow()) {
                return event.getType();
            }
        }
        return null;
    }

    /** A replayed run.interrupted may have been answered since. */
    private boolean waitingNow() {
        return gateway.call(s -> s.getRun(GetRunRequest.newBuilder().setId(runId).build())).getStatus()
                .equals("interrupted");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }
}
