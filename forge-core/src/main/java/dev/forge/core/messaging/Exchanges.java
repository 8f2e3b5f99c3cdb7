package dev.forge.core.messaging;

import dev.forge.telemetry.messaging.LogShipping;

/** Exchange names and routing keys: one place, so producers and consumers cannot drift apart. */
public final class Exchanges {

    /**
     * Topic exchange of run events: committed events in batches (a JSON array, routing key
     * {@code <workspace>.events}), token deltas one by one ({@code <workspace>.message.delta}).
     */
    public static final String EVENTS = "forge.events";
    /** Direct exchange of control messages; routing key = the target worker's id. */
    public static final String CONTROL = "forge.control";
    /** Topic exchange of structured log records (published by forge-telemetry); key {@code <service>.<level>}. */
    public static final String LOGS = LogShipping.EXCHANGE;

    private Exchanges() {
    }

    public static String eventKey(String workspace, String type) {
        return workspace + "." + type;
    }

    /** The routing key of a batch of a workspace's committed events. */
    public static String batchKey(String workspace) {
        return workspace + ".events";
    }
}
