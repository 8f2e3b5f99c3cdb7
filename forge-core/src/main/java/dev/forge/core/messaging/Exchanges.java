package dev.forge.core.messaging;

/** Exchange names and routing keys: one place, so producers and consumers cannot drift apart. */
public final class Exchanges {

    /** Topic exchange of run events; routing key {@code <workspace>.<event type>}. */
    public static final String EVENTS = "forge.events";
    /** Direct exchange of control messages; routing key = the target worker's id. */
    public static final String CONTROL = "forge.control";
    /** Topic exchange of structured log records (published by forge-telemetry); key {@code <service>.<level>}. */
    public static final String LOGS = dev.forge.telemetry.messaging.LogShipping.EXCHANGE;

    private Exchanges() {
    }

    public static String eventKey(String workspace, String type) {
        return workspace + "." + type;
    }
}
