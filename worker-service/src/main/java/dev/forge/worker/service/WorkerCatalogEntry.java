package dev.forge.worker.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.flow.ExecutorType;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.discovery.service.CatalogTags;
import dev.forge.discovery.service.RegistrationDetails;
import dev.forge.core.config.LlmRoutingConfig;
import dev.forge.worker.config.RunnerConfig;
import dev.forge.worker.config.WorkerConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * What this worker tells Consul's catalog about itself, for the scheduler-side capacity view: the executor types it
 * runs, the model patterns it routes, the tools its loaded flows bind, whether it has a GPU, and its slots. In the
 * runner role the process claims no runs: it registers as {@value #RUNNER_SERVICE} with no executor, tool or slot,
 * so the capacity view never counts a runner's (nonexistent) slots.
 */
@ApplicationScoped
public class WorkerCatalogEntry implements RegistrationDetails {

    public static final String RUNNER_SERVICE = "webapp-runner";
    public static final String RUNNER_TAG = "role:runner";

    private final WorkerConfig worker;
    private final boolean runnerRole;
    private final LlmRoutingConfig llm;
    private final FlowCatalog flows;
    private volatile boolean gpu;

    public WorkerCatalogEntry(WorkerConfig worker, RunnerConfig runner, LlmRoutingConfig llm, FlowCatalog flows) {
        this.worker = worker;
        this.runnerRole = runner.enabled();
        this.llm = llm;
        this.flows = flows;
    }

    /**
     * Looks for a GPU once, at start-up on the main thread (registration runs on the event loop, which must not touch
     * the filesystem): an NVIDIA device node is what a CUDA workload would use; configuration can say otherwise.
     */
    void detect(@Observes StartupEvent event) {
        gpu = worker.gpu().orElseGet(() -> Files.exists(Path.of("/dev/nvidia0")));
    }

    @Override
    public Optional<String> serviceName() {
        return runnerRole ? Optional.of(RUNNER_SERVICE) : Optional.empty();
    }

    @Override
    public List<String> tags() {
        if (runnerRole) {
            return List.of(RUNNER_TAG);
        }
        var tags = new ArrayList<String>();
        Arrays.stream(ExecutorType.values()).forEach(t -> tags.add(CatalogTags.executor(t.yamlName())));
        llm.routes().keySet().stream().sorted().forEach(pattern -> tags.add(CatalogTags.model(pattern)));
        flows.all().stream().flatMap(f -> f.executors().stream()).flatMap(e -> e.tools().stream()).distinct()
                .sorted().forEach(tool -> tags.add(CatalogTags.tool(tool)));
        tags.add(CatalogTags.gpu(gpu));
        return tags;
    }

    @Override
    public Map<String, String> meta() {
        if (runnerRole) {
            return Map.of();
        }
        return Map.of(CatalogTags.META_SLOTS, Integer.toString(worker.slots()));
    }
}
