package dev.forge.core.flow;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Executor types the Coordinator can run. */
public enum ExecutorType {
    LLM("llm"),
    CONDITIONAL("conditional"),
    MERGE("merge"),
    /** Sends a message on a channel to another session's run (agent to agent). */
    SEND("send"),
    /** Waits for a message on a channel, up to its timeout. */
    WAIT("wait"),
    /** Calls one tool with templated arguments; its result is the output. */
    TOOL("tool"),
    /** Asks a person a question and parks the run until the answer (or its timeout); the answer is the output. */
    HUMAN("human");

    private final String yamlName;

    ExecutorType(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<ExecutorType> fromYaml(String value) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(value)).findFirst();
    }

    public static String known() {
        return Arrays.stream(values()).map(ExecutorType::yamlName).collect(Collectors.joining(", "));
    }
}
