package dev.forge.worker.client;

import java.util.List;
import java.util.Map;

/** One completion request from an llm executor. */
public record LlmRequest(String model, String executorId, String prompt, Integer maxTokens, List<String> tools,
        Map<String, Object> parameters) {
}
