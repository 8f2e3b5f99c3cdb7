package dev.forge.core.flow;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a merge executor combines the messages it received. */
public enum MergeStrategy {
    /** Text of every message joined in arrival order. */
    CONCATENATE("concatenate"),
    /** JSON objects deep-merged in arrival order (later keys win). */
    JSON_MERGE("json_merge"),
    /** The first message that arrived. */
    FIRST("first");

    private final String yamlName;

    MergeStrategy(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<MergeStrategy> fromYaml(String value) {
        return Arrays.stream(values()).filter(s -> s.yamlName.equals(value)).findFirst();
    }

    public static String known() {
        return Arrays.stream(values()).map(MergeStrategy::yamlName).collect(Collectors.joining(", "));
    }
}
