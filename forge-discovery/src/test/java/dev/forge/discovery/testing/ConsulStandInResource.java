package dev.forge.discovery.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link ConsulStandIn} for a Quarkus test and points the service at it with Consul enabled and short
 * intervals, so registration, re-registration and flag changes show within a second or two.
 */
public class ConsulStandInResource implements QuarkusTestResourceLifecycleManager {

    private static volatile ConsulStandIn current;

    /** The stand-in of the running test. */
    public static ConsulStandIn consul() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = ConsulStandIn.start(0);
        return Map.of("forge.consul.enabled", "true",
                "forge.consul.port", Integer.toString(current.port()),
                "forge.consul.check-interval", "500ms",
                "forge.consul.reconcile-interval", "500ms",
                "forge.consul.retry-delay", "200ms",
                "forge.consul.watch-wait", "10s");
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
        }
    }
}
