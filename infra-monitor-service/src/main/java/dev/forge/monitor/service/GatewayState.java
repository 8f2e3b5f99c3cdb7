package dev.forge.monitor.service;

import java.time.Instant;
import java.util.Optional;

/**
 * What the last health test of a gateway found. {@code usable}: the test passed (reachable, ready, token accepted),
 * so data may be fetched from it; a slow but working gateway is {@code degraded} and still usable.
 */
public record GatewayState(String status, boolean usable, Optional<Instant> lastCheckAt, Optional<Long> latencyMillis,
        Optional<String> error, int consecutiveFailures, Optional<String> version, Instant since) {

    public static final String TESTING = "testing";
    public static final String CONNECTED = "connected";
    public static final String DEGRADED = "degraded";
    public static final String DISCONNECTED = "disconnected";

    public static GatewayState initial() {
        return new GatewayState(TESTING, false, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Instant.now());
    }

    GatewayState testing() {
        return new GatewayState(TESTING, usable, lastCheckAt, latencyMillis, error, consecutiveFailures, version,
                TESTING.equals(status) ? since : Instant.now());
    }
}
