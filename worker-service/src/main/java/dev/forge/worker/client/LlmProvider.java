package dev.forge.worker.client;

import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;

/** The provider SPI: one implementation per family of LLM APIs. */
public interface LlmProvider {

    /** The name routes refer to. */
    String name();

    /** Completes a prompt. Failures are {@link LlmException}s. Must not block the calling thread. */
    Uni<LlmResponse> complete(LlmRequest request);

    /**
     * Completes a prompt, handing text to {@code deltas} as the model produces it; the answer is still the whole
     * message. A provider that cannot stream answers whole and hands over nothing.
     */
    default Uni<LlmResponse> stream(LlmRequest request, Consumer<String> deltas) {
        return complete(request);
    }
}
