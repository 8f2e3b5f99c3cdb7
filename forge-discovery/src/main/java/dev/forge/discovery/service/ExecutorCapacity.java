package dev.forge.discovery.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.discovery.client.BlockingWatch;
import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.config.ConsulConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * The scheduler-side view of which executor types have capacity, read from Consul's catalog: the healthy instances of
 * the worker service (a blocking query on its health endpoint), grouped by the executor types their tags offer, with
 * the slots their metadata declares.
 */
@ApplicationScoped
public class ExecutorCapacity {

    private static final Logger LOG = Logger.getLogger(ExecutorCapacity.class);
    static final String WORKER_SERVICE = "worker-service";

    /** One healthy instance as the catalog shows it. */
    public record Instance(String id, String address, int port, int slots, List<String> models, List<String> tools,
            boolean gpu) {
    }

    /** Instances able to run one executor type, and the slots they offer together. */
    public record TypeCapacity(String executorType, int instances, int slots, List<Instance> hosts) {
    }

    private final ConsulConfig config;
    private final BlockingWatch<List<ConsulAgent.ServiceEntry>> watch;
    private volatile List<ConsulAgent.ServiceEntry> healthy = List.of();
    private volatile boolean known;

    public ExecutorCapacity(ConsulConfig config, ConsulAgent consul, Vertx vertx) {
        this.config = config;
        this.watch = new BlockingWatch<>(vertx, config.retryDelay(), index -> consul.health(WORKER_SERVICE, true,
                index), entries -> {
                    healthy = entries;
                    known = true;
                }, failure -> LOG.debugf("Worker catalog not read: %s", failure.getMessage()));
    }

    /** Only services that show the view watch the catalog ({@code forge.consul.capacity-view}, the gateway). */
    void onStart(@Observes StartupEvent event) {
        if (config.enabled() && config.capacityView()) {
            watch.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        watch.stop();
    }

    /** Whether the catalog has been read at least once (false without Consul). */
    public boolean known() {
        return known;
    }

    /** Capacity by executor type, in type order; types no healthy instance offers are absent. */
    public Map<String, TypeCapacity> byExecutorType() {
        var grouped = new TreeMap<String, List<Instance>>();
        for (var entry : healthy) {
            var instance = new Instance(entry.id(), entry.address(), entry.port(),
                    parseSlots(entry.meta().get(CatalogTags.META_SLOTS)),
                    CatalogTags.values(entry.tags(), CatalogTags.MODEL),
                    CatalogTags.values(entry.tags(), CatalogTags.TOOL),
                    CatalogTags.values(entry.tags(), CatalogTags.GPU).contains("true"));
            for (String type : CatalogTags.values(entry.tags(), CatalogTags.EXECUTOR)) {
                grouped.computeIfAbsent(type, t -> new ArrayList<>()).add(instance);
            }
        }
        var out = new TreeMap<String, TypeCapacity>();
        grouped.forEach((type, hosts) -> out.put(type, new TypeCapacity(type, hosts.size(),
                hosts.stream().mapToInt(Instance::slots).sum(), List.copyOf(hosts))));
        return out;
    }

    private static int parseSlots(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
