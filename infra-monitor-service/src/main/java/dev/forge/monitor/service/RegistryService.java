package dev.forge.monitor.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.json.ServiceVersion;
import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.config.ConsulConfig;
import dev.forge.discovery.service.CatalogTags;
import dev.forge.monitor.client.GatewayClient;
import dev.forge.monitor.client.GrpcReflection;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.WorkerCatalogRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The service catalog: this monitor, every watched gateway (health, uptime, version, REST endpoints from its OpenAPI
 * document, gRPC endpoints from server reflection, the executor types it deploys), the workers of the bus gateway's
 * cluster (from the workers table) and, with Consul, every instance in its catalog (skill-service included: it has
 * no database to be found in); and a version compatibility matrix over them.
 */
@ApplicationScoped
public class RegistryService {

    /** The gateway monitoring API revision this monitor speaks. */
    static final int MONITOR_API = 1;

    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final GatewayClient client;
    private final GrpcReflection reflection;
    private final GatewayData data;
    private final WorkerCatalogRepository workers;
    private final MonitorConfig config;
    private final ConsulAgent consul;
    private final ConsulConfig consulConfig;

    public RegistryService(GatewayRegistry registry, GatewayHealth health, GatewayClient client,
            GrpcReflection reflection, GatewayData data, WorkerCatalogRepository workers, MonitorConfig config,
            ConsulAgent consul, ConsulConfig consulConfig) {
        this.data = data;
        this.consul = consul;
        this.consulConfig = consulConfig;
        this.registry = registry;
        this.health = health;
        this.client = client;
        this.reflection = reflection;
        this.workers = workers;
        this.config = config;
    }

    public Uni<ObjectNode> catalog() {
        return Multi.createFrom().iterable(registry.targets()).onItem().transformToUniAndConcatenate(this::gateway)
                .collect().asList().flatMap(gateways -> workers.workers().flatMap(nodes -> consulEntries()
                        .map(registered -> {
                            var out = JsonNodeFactory.instance.objectNode();
                            var services = out.putArray("services");
                            services.add(self());
                            gateways.forEach(services::add);
                            nodes.forEach(w -> services.add(worker(w)));
                            registered.forEach(services::add);
                            out.put("consul", consulConfig.enabled());
                            return out;
                        })));
    }

    /**
     * Every instance in Consul's catalog, as registry entries (kind {@code consul:<name>}); the gateways and workers
     * are listed from their own sources above, so these add what only Consul knows (skill-service, other monitors).
     */
    private Uni<List<ObjectNode>> consulEntries() {
        if (!consulConfig.enabled()) {
            return Uni.createFrom().item(List.of());
        }
        return consul.services().flatMap(names -> Multi.createFrom().iterable(names.keySet())
                .filter(name -> !"consul".equals(name))
                .onItem().transformToUniAndConcatenate(name -> consul.health(name, false, 0))
                .onItem().transformToIterable(indexed -> indexed.value())
                .map(RegistryService::registered).collect().asList())
                .onFailure().recoverWithItem(e -> List.of(JsonNodeFactory.instance.objectNode()
                        .put("kind", "consul").put("id", consulConfig.host() + ":" + consulConfig.port())
                        .put("health", "critical").put("error", "catalog unavailable: " + e.getMessage())));
    }

    private static ObjectNode registered(ConsulAgent.ServiceEntry e) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("kind", e.name());
        n.put("id", e.id());
        n.put("source", "consul");
        n.put("health", e.passing() ? "passing" : "critical");
        n.put("version", e.meta().get(CatalogTags.META_VERSION));
        var endpoints = n.putObject("endpoints");
        endpoints.put("address", e.address());
        endpoints.put("port", e.port());
        if (e.meta().containsKey(CatalogTags.META_HTTP_PORT)) {
            endpoints.put("http_port", Integer.parseInt(e.meta().get(CatalogTags.META_HTTP_PORT)));
        }
        var capabilities = n.putArray("capabilities");
        e.tags().forEach(capabilities::add);
        return n;
    }

    /** Which versions work together: the monitor with each gateway, each gateway of the bus with its workers. */
    public Uni<ObjectNode> compatibility() {
        return catalog().map(catalog -> {
            var out = JsonNodeFactory.instance.objectNode();
            out.put("rule", "same major version (for 0.x: same minor version); gateways must serve monitoring API "
                    + "revision " + MONITOR_API);
            var versions = out.putArray("versions");
            var pairs = out.putArray("matrix");
            String self = ServiceVersion.current();
            var workerVersions = new LinkedHashSet<String>();
            for (JsonNode s : catalog.get("services")) {
                versions.addObject().put("kind", s.get("kind").asText()).put("id", s.get("id").asText())
                        .put("version", s.path("version").asText(null));
                if ("worker-service".equals(s.get("kind").asText()) && s.hasNonNull("version")) {
                    workerVersions.add(s.get("version").asText());
                }
            }
            for (JsonNode s : catalog.get("services")) {
                String kind = s.get("kind").asText();
                if (s.has("source") && !kind.equals("gateway-service") && !kind.equals("worker-service")
                        && !kind.equals("infra-monitor-service")) {
                    // what only Consul knows (skill-service): checked against this monitor's release line
                    pair(pairs, "infra-monitor-service", self, kind + " " + s.get("id").asText(),
                            s.path("version").asText(null));
                }
                if (!"gateway-service".equals(kind) || s.has("source")) {
                    continue;
                }
                String gatewayVersion = s.path("version").asText(null);
                var pair = pair(pairs, "infra-monitor-service", self, "gateway-service " + s.get("id").asText(),
                        gatewayVersion);
                if (s.has("monitor_api") && s.get("monitor_api").asInt() != MONITOR_API) {
                    pair.put("compatible", false).put("reason", "monitoring API revision "
                            + s.get("monitor_api").asInt() + ", this monitor speaks " + MONITOR_API);
                }
                if (config.busGateway().equals(s.get("id").asText())) {
                    workerVersions.forEach(v -> pair(pairs, "gateway-service " + s.get("id").asText(), gatewayVersion,
                            "worker-service", v));
                }
            }
            return out;
        });
    }

    private static ObjectNode pair(ArrayNode pairs, String from, String fromVersion, String to, String toVersion) {
        var p = pairs.addObject().put("from", from).put("from_version", fromVersion).put("to", to)
                .put("to_version", toVersion);
        if (fromVersion == null || toVersion == null) {
            return p.put("compatible", (Boolean) null).put("reason", "version unknown (not reachable)");
        }
        boolean ok = line(fromVersion).equals(line(toVersion));
        return p.put("compatible", ok).put("reason", ok ? "same release line " + line(fromVersion)
                : "release lines differ: " + line(fromVersion) + " and " + line(toVersion));
    }

    /** 1.4.2 → "1"; 0.3.1 → "0.3" (before 1.0 every minor release may break). */
    static String line(String version) {
        var parts = version.replace("-SNAPSHOT", "").split("\\.");
        return "0".equals(parts[0]) && parts.length > 1 ? parts[0] + "." + parts[1] : parts[0];
    }

    private ObjectNode self() {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("kind", "infra-monitor-service");
        n.put("id", "self");
        n.put("health", "passing");
        n.put("version", ServiceVersion.current());
        n.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        n.putObject("endpoints").put("openapi", "/q/openapi");
        n.putArray("capabilities").add("gateways").add("deployments").add("capacity").add("events").add("logs")
                .add("registry").add("mcp");
        return n;
    }

    private Uni<ObjectNode> gateway(GatewayTarget g) {
        var state = health.state(g.id());
        var n = JsonNodeFactory.instance.objectNode();
        n.put("kind", "gateway-service");
        n.put("id", g.id());
        n.put("health", state.status());
        n.put("url", g.url());
        n.put("version", state.version().orElse(null));
        var endpoints = n.putObject("endpoints");
        if (!state.usable()) {
            n.put("error", state.error().orElse(null));
            return Uni.createFrom().item(n);
        }
        return data.debug(g.id()).map(GatewayData.Snapshot::data).flatMap(debug -> {
            n.put("version", debug.path("version").asText(null));
            n.put("uptime_seconds", debug.path("uptime_seconds").asLong());
            n.put("monitor_api", debug.path("monitor_api").asInt());
            return rest(g).invoke(paths -> endpoints.set("rest", paths))
                    .flatMap(x -> grpc(g, debug.path("grpc_port").asInt(0)))
                    .invoke(services -> endpoints.set("grpc", services));
        }).flatMap(x -> data.deployments(g.id(), false)).map(deployments -> {
            // the deployments round's copy, unless it is stale
            var capabilities = n.putArray("capabilities");
            deployments.data().path("deployments").forEach(d -> capabilities.add(d.path("executor").asText()));
            return n;
        }).onFailure().recoverWithItem(e -> n.put("error", e.getMessage()));
    }

    /** The REST operations of the gateway's OpenAPI document ({@code GET /v1/runs}, …). */
    private Uni<JsonNode> rest(GatewayTarget g) {
        return client.get(g, "/q/openapi?format=json", false).map(answer -> {
            var list = JsonNodeFactory.instance.arrayNode();
            if (answer.status() != 200) {
                return list;
            }
            try {
                var paths = JsonValues.MAPPER.readTree(answer.body()).path("paths");
                paths.fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> list.addObject()
                        .put("method", op.getKey().toUpperCase(Locale.ROOT)).put("path", p.getKey())
                        .put("summary", op.getValue().path("summary").asText(null))));
            } catch (IOException e) {
                return list;
            }
            return list;
        });
    }

    private Uni<JsonNode> grpc(GatewayTarget g, int port) {
        if (port <= 0) {
            return Uni.createFrom().item(JsonNodeFactory.instance.arrayNode());
        }
        String host = URI.create(g.url()).getHost();
        return reflection.services(host, port).map(services -> {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            services.forEach(list::add);
            return (JsonNode) list;
        }).onFailure().recoverWithItem(e -> JsonNodeFactory.instance.objectNode().put("error",
                "reflection unavailable on port " + port));
    }

    private static ObjectNode worker(ObjectNode w) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("kind", "worker-service");
        n.put("id", w.get("id").asText());
        n.put("host", w.get("host").asText());
        String state = w.get("state").asText();
        n.put("health", switch (state) {
            case "active", "draining" -> "passing";
            case "stopped" -> "stopped";
            default -> "critical";
        });
        n.put("state", state);
        n.put("version", w.path("capabilities").path("version").asText(null));
        n.put("uptime_seconds", "active".equals(state) ? w.get("uptime_seconds").asLong() : 0);
        n.set("heartbeat_at", w.get("heartbeat_at"));
        n.put("slots_total", w.get("slots_total").asInt());
        var capabilities = n.putArray("capabilities");
        w.path("capabilities").path("executors").forEach(capabilities::add);
        n.putObject("endpoints");
        return n;
    }
}
