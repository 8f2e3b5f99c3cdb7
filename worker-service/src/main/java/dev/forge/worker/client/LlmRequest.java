package dev.forge.worker.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.forge.core.tool.ToolSpec;

/**
 * One model turn of an llm executor: the prompt, the tools the model may call ({@code toolSpecs}, resolved through
 * the tool registry), and the tool calls already made in this step with their results ({@code exchanges}), oldest
 * first.
 */
public record LlmRequest(String model, String executorId, String prompt, Integer maxTokens, List<String> tools,
        Map<String, Object> parameters, List<ToolSpec> toolSpecs, List<ToolExchange> exchanges) {

    public LlmRequest {
        toolSpecs = toolSpecs == null ? List.of() : List.copyOf(toolSpecs);
        exchanges = exchanges == null ? List.of() : List.copyOf(exchanges);
    }

    /** A first turn with no tools offered. */
    public LlmRequest(String model, String executorId, String prompt, Integer maxTokens, List<String> tools,
            Map<String, Object> parameters) {
        this(model, executorId, prompt, maxTokens, tools, parameters, List.of(), List.of());
    }

    /** The next turn: the same request with one more round of tool calls and results. */
    public LlmRequest with(List<ToolExchange> more) {
        var all = new ArrayList<>(exchanges);
        all.addAll(more);
        return new LlmRequest(model, executorId, prompt, maxTokens, tools, parameters, toolSpecs, all);
    }
}
