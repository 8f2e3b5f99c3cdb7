package dev.forge.worker.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.memory.MemoryService;
import dev.forge.core.messaging.ControlMessages;
import dev.forge.core.queue.QueueStore;
import dev.forge.discovery.service.FeatureFlags;
import dev.forge.worker.client.ArtifactReader;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.client.SkillClient;
import dev.forge.worker.client.StepCache;
import dev.forge.worker.config.RunnerConfig;
import dev.forge.worker.config.WorkerConfig;
import dev.forge.worker.messaging.ControlListener;
import dev.forge.worker.messaging.MessageDeltas;
import dev.forge.worker.repository.RunStore;
import dev.forge.worker.repository.SignalStore;
import dev.forge.worker.repository.WorkerStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/** Starts this process's worker engine after start-up and drains it on shutdown. */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);
    /** Feature flag (Consul KV forge/flags/claims-paused): workers stop claiming new runs while it is true. */
    public static final String CLAIMS_PAUSED_FLAG = "claims-paused";

    private final WorkerConfig config;
    private final QueueStore queue;
    private final WorkerStore workers;
    private final RunStore runs;
    private final FlowCatalog catalog;
    private final LlmRouter llms;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final ControlListener controlListener;
    private final String processId;
    private final StepCache cache;
    private final SignalStore signals;
    private final ControlMessages control;
    private final OffloadedValues offloaded;
    private final ArtifactReader artifacts;
    private final SkillClient skills;
    private final FeatureFlags flags;
    private final ToolRegistry tools;
    private final MessageDeltas deltas;
    private final MemoryService memory;
    private final String datasourceUrl;
    private final String datasourceUser;
    private final Optional<String> datasourcePassword;
    private volatile WorkerEngine engine;
    /** One image, the role by flag: a runner hosts webapps and claims no runs. */
    private final boolean runnerRole;

    public WorkerLifecycle(WorkerConfig config, QueueStore queue, WorkerStore workers, RunStore runs,
            FlowCatalog catalog, LlmRouter llms, Vertx vertx, MeterRegistry registry,
            ControlListener controlListener, StepCache cache,
            SignalStore signals, ControlMessages control, OffloadedValues offloaded, ArtifactReader artifacts,
            SkillClient skills, FeatureFlags flags, ToolRegistry tools, MessageDeltas deltas, MemoryService memory,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String datasourceUrl,
            @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres") String datasourceUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> datasourcePassword,
            RunnerConfig runner,
            @ConfigProperty(name = "quarkus.uuid") String processId) {
        this.config = config;
        this.runnerRole = runner.enabled();
        this.queue = queue;
        this.workers = workers;
        this.runs = runs;
        this.catalog = catalog;
        this.llms = llms;
        this.vertx = vertx;
        this.registry = registry;
        this.controlListener = controlListener;
        this.processId = processId;
        this.cache = cache;
        this.signals = signals;
        this.control = control;
        this.offloaded = offloaded;
        this.artifacts = artifacts;
        this.skills = skills;
        this.flags = flags;
        this.tools = tools;
        this.deltas = deltas;
        this.memory = memory;
        this.datasourceUrl = datasourceUrl;
        this.datasourceUser = datasourceUser;
        this.datasourcePassword = datasourcePassword;
    }

    void onStart(@Observes StartupEvent event) {
        // start-up and shutdown observers run on the main thread, not an event loop
        catalog.registerVersions().await().atMost(Duration.ofSeconds(30));
        if (!config.enabled() || runnerRole) {
            LOG.info(runnerRole ? "Runner role: hosting webapps, claiming no runs" : "Worker disabled "
                    + "(forge.worker.enabled=false)");
            return;
        }
        // the control queue is bound to the same id (forge-control-in's routing key)
        UUID id = UUID.fromString(config.id().orElse(processId));
        engine = newEngine(id, config.slots());
        Gauge.builder("forge.worker.slots.total", engine, WorkerEngine::slotsTotal).register(registry);
        Gauge.builder("forge.worker.slots.used", engine, WorkerEngine::slotsUsed).register(registry);
        Gauge.builder("forge.worker.runs.finished", engine, WorkerEngine::runsFinished).register(registry);
        engine.start().await().atMost(Duration.ofSeconds(30));
        long vacuumMs = config.queueVacuumInterval().toMillis();
        if (vacuumMs > 0) {
            vertx.setPeriodic(vacuumMs, t -> queue.vacuum().subscribe().with(x -> { },
                    e -> LOG.debugf("queue vacuum skipped: %s", e.getMessage())));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        var current = engine;
        if (current != null) {
            current.stop(config.shutdownGrace()).await().atMost(config.shutdownGrace().plusSeconds(10));
        }
    }

    /** A new engine sharing this process's stores; tests use it to run several workers side by side. */
    public WorkerEngine newEngine(UUID id, int slots) {
        return newEngine(id, settings(slots), llms);
    }

    public WorkerEngine newEngine(UUID id, WorkerSettings settings, LlmRouter router) {
        var coordinator = new Coordinator(runs, catalog, router, CoordinatorSettings.from(config),
                new RunMetrics(registry), cache, signals, control, offloaded, artifacts, skills, tools, deltas,
                memory);
        var engine = new WorkerEngine(id, host(), settings, queue, workers, coordinator, vertx, subscriber());
        controlListener.add(engine);
        engine.pauseClaimsWhile(() -> flags.enabled(CLAIMS_PAUSED_FLAG, false));
        return engine;
    }

    /** This process's configured settings with the given slot count. */
    public WorkerSettings settings(int slots) {
        return new WorkerSettings(slots, config.lease(), config.heartbeatInterval(), config.pollInterval(),
                config.reaperInterval(), config.maxAttempts());
    }

    public WorkerEngine engine() {
        return engine;
    }

    private PgSubscriber subscriber() {
        var options = PgConnectOptions.fromUri(datasourceUrl.replaceFirst("^vertx-reactive:", ""))
                .setUser(datasourceUser);
        datasourcePassword.ifPresent(options::setPassword);
        return PgSubscriber.subscriber(vertx, options);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
