package dev.forge.core.flow;

import java.util.Arrays;
import java.util.Optional;

/** How messages move between the executors of a flow (the seed's two policies). */
public enum RoutingPolicy {
    /** Executors publish messages along output_to edges and conditional routes; multicast and merges allowed. */
    MESSAGE_DRIVEN("message_driven"),
    /** Executors run in listed order, each receiving the previous one's output. */
    SEQUENTIAL("sequential");

    private final String yamlName;

    RoutingPolicy(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<RoutingPolicy> fromYaml(String value) {
        return Arrays.stream(values()).filter(p -> p.yamlName.equals(value)).findFirst();
    }
}
