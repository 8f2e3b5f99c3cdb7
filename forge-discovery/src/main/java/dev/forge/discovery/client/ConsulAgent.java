package dev.forge.discovery.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.discovery.config.ConsulConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.consul.BlockingQueryOptions;
import io.vertx.ext.consul.CheckStatus;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.KeyValue;
import io.vertx.ext.consul.Service;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.ext.consul.ServiceQueryOptions;

/**
 * The local Consul agent, through Vert.x's Consul client: service registration, health per service, the catalog and
 * KV, with blocking queries (index + wait). Two clients because the library has one timeout per client: ordinary
 * calls give up after 10 s, blocking queries wait up to {@code watch-wait} plus Consul's jitter (wait/16).
 */
@ApplicationScoped
public class ConsulAgent {

    private static final Duration QUICK = Duration.ofSeconds(10);

    private final ConsulConfig config;
    private final ConsulClient quick;
    private final ConsulClient blocking;

    public ConsulAgent(ConsulConfig config, Vertx vertx) {
        this.config = config;
        this.quick = ConsulClient.create(vertx, options(config, QUICK));
        this.blocking = ConsulClient.create(vertx, options(config, config.watchWait()
                .plus(config.watchWait().dividedBy(8)).plusSeconds(5)));
    }

    private static ConsulClientOptions options(ConsulConfig config, Duration timeout) {
        var options = new ConsulClientOptions().setHost(config.host()).setPort(config.port())
                .setTimeout(timeout.toMillis()).setKeepAlive(true);
        config.token().ifPresent(options::setAclToken);
        return options;
    }

    @PreDestroy
    void close() {
        quick.close();
        blocking.close();
    }

    /** One service instance of the health endpoint; {@code passing} when every one of its checks passes. */
    public record ServiceEntry(String id, String name, String address, int port, List<String> tags,
            Map<String, String> meta, boolean passing) {
    }

    /** A blocking query's answer: the index to pass back, and the data. */
    public record Indexed<T>(long index, T value) {
    }

    /** The agent answered with an error, or could not be reached. */
    public static final class ConsulException extends RuntimeException {
        public ConsulException(String message) {
            super(message);
        }
    }

    /** Registering an id the agent knows replaces its definition. */
    public Uni<Void> register(ServiceOptions definition) {
        return call(() -> quick.registerService(definition));
    }

    /** Whether the local agent has this service registered. */
    public Uni<Boolean> isRegistered(String serviceId) {
        return call(quick::localServices).map(services -> services.stream().anyMatch(s -> serviceId.equals(s.getId())));
    }

    /** Deregisters the service; answers false when the agent did not know it. */
    public Uni<Boolean> deregister(String serviceId) {
        return isRegistered(serviceId).flatMap(known -> known
                ? call(() -> quick.deregisterService(serviceId)).replaceWith(true)
                : Uni.createFrom().item(false));
    }

    /** The instances of a service with their checks' verdict; a blocking query when {@code index} is positive. */
    public Uni<Indexed<List<ServiceEntry>>> health(String name, boolean passingOnly, long index) {
        var options = new ServiceQueryOptions().setBlockingOptions(blockingOptions(index));
        return call(() -> client(index).healthServiceNodesWithOptions(name, passingOnly, options)).map(list -> {
            var entries = new ArrayList<ServiceEntry>();
            list.getList().forEach(e -> {
                Service s = e.getService();
                String address = s.getAddress() == null || s.getAddress().isEmpty()
                        // Consul's rule: an empty service address means the node's address
                        ? (e.getNode() == null || e.getNode().getAddress() == null ? "" : e.getNode().getAddress())
                        : s.getAddress();
                boolean passing = e.getChecks() == null || e.getChecks().stream()
                        .allMatch(c -> c.getStatus() == CheckStatus.PASSING);
                entries.add(new ServiceEntry(s.getId(), s.getName(), address, s.getPort(),
                        s.getTags() == null ? List.of() : List.copyOf(s.getTags()),
                        s.getMeta() == null ? Map.of() : Map.copyOf(s.getMeta()), passing));
            });
            return new Indexed<List<ServiceEntry>>(list.getIndex(), List.copyOf(entries));
        });
    }

    /** Every service name in the catalog with the tags its instances carry. */
    public Uni<Map<String, List<String>>> services() {
        return call(quick::catalogServices).map(list -> {
            var out = new TreeMap<String, List<String>>();
            list.getList().forEach(s -> out.put(s.getName(), s.getTags() == null ? List.of() : List.copyOf(s.getTags())));
            return Map.copyOf(out);
        });
    }

    /** Keys under the prefix (without it) to values; empty when nothing is there. Blocking when index > 0. */
    public Uni<Indexed<Map<String, String>>> kvTree(String prefix, long index) {
        return call(() -> client(index).getValuesWithOptions(prefix, blockingOptions(index))).map(list -> {
            var values = new TreeMap<String, String>();
            if (list.getList() != null) {
                for (KeyValue e : list.getList()) {
                    String key = e.getKey();
                    if (key.length() > prefix.length() && !key.endsWith("/")) { // not the prefix's folder entry
                        values.put(key.substring(prefix.length()), e.getValue() == null ? "" : e.getValue());
                    }
                }
            }
            return new Indexed<Map<String, String>>(list.getIndex(), Map.copyOf(values));
        });
    }

    public Uni<Void> kvPut(String key, String value) {
        return call(() -> quick.putValue(key, value)).replaceWithVoid();
    }

    public Uni<Void> kvDelete(String key) {
        return call(() -> quick.deleteValue(key));
    }

    /** Where the agent is, for messages. */
    public String agent() {
        return config.host() + ":" + config.port();
    }

    private ConsulClient client(long index) {
        return index > 0 ? blocking : quick;
    }

    private BlockingQueryOptions blockingOptions(long index) {
        var options = new BlockingQueryOptions();
        if (index > 0) {
            options.setIndex(index).setWait(Math.max(1, config.watchWait().toSeconds()) + "s");
        }
        return options;
    }

    private <T> Uni<T> call(Supplier<Future<T>> request) {
        return Uni.createFrom().completionStage(() -> request.get().toCompletionStage())
                .onFailure(e -> !(e instanceof ConsulException))
                .transform(e -> new ConsulException("Consul agent at " + agent() + ": " + e.getMessage()));
    }
}
