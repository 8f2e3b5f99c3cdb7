package dev.forge.core.queue;

import java.util.Optional;
import java.util.UUID;

/**
 * Control messages to whichever worker runs a run, sent with NOTIFY inside the transaction that records the request
 * (so they are delivered only if it commits). The database row stays the source of truth; workers also re-check it.
 */
public final class ControlChannel {

    public static final String CHANNEL = "forge_control";
    private static final String CANCEL = "cancel:";

    private ControlChannel() {
    }

    public static String cancel(UUID runId) {
        return CANCEL + runId;
    }

    /** The run a cancel message names, if the payload is one. */
    public static Optional<UUID> cancelled(String payload) {
        if (payload == null || !payload.startsWith(CANCEL)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(payload.substring(CANCEL.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
