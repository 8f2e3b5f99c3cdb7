package dev.forge.worker.client;

import io.smallrye.mutiny.Uni;

/** The provider SPI: one implementation per family of LLM APIs. */
public interface LlmProvider {

    /** The name routes refer to. */
    String name();

    /** Completes a prompt. Failures are {@link LlmException}s. Must not block the calling thread. */
    Uni<LlmResponse> complete(LlmRequest request);
}
