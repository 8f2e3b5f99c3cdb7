package dev.forge.worker.service;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.forge.worker.client.LlmProvider;
import dev.forge.worker.client.LlmRequest;
import dev.forge.worker.client.LlmResponse;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.client.ScriptedLlmProvider;
import io.smallrye.mutiny.Uni;

/** The scripted provider, counting how often each executor was really executed. */
final class CountingProvider implements LlmProvider {

    private final ScriptedLlmProvider scripted = ScriptedLlmProvider.fromFile(Path.of("../config/llm/scripted.yaml"));
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return ScriptedLlmProvider.NAME;
    }

    @Override
    public Uni<LlmResponse> complete(LlmRequest request) {
        calls.computeIfAbsent(request.executorId(), k -> new AtomicInteger()).incrementAndGet();
        return scripted.complete(request);
    }

    int calls(String executor) {
        var n = calls.get(executor);
        return n == null ? 0 : n.get();
    }

    LlmRouter router() {
        return new LlmRouter(Map.of(name(), this), Map.of(), name());
    }
}
