package dev.forge.core.flow;

import java.util.List;

/**
 * An llm executor's use of long-term memory: the {@code recall} most similar memories join its prompt, and with
 * {@code store: output} its output is remembered. {@code scope} is the namespace: the run's assistant (default), its
 * session, or the whole workspace.
 */
public record MemorySpec(int recall, boolean storeOutput, String scope) {

    public static final List<String> SCOPES = List.of("assistant", "session", "workspace");
    public static final int MAX_RECALL = 20;
}
