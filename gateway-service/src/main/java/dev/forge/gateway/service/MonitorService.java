package dev.forge.gateway.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;

import dev.forge.core.json.JsonValues;
import dev.forge.core.json.ServiceVersion;
import dev.forge.core.messaging.BusClient;
import dev.forge.core.messaging.OutboxLag;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.repository.MonitorRepository;
import dev.forge.gateway.repository.MonitorRepository.WorkerRow;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's monitoring views, for infra-monitor-service and operators: deployments (each executor type with the
 * worker nodes serving it), capacity (slots per worker and executor type, with the runs holding them) and debug
 * information about this gateway process and its queue.
 */
@ApplicationScoped
public class MonitorService {

    public static final String SERVING = "SERVING";
    public static final String STOPPED = "STOPPED";
    public static final String ERROR = "ERROR";

    private final MonitorRepository monitor;
    private final OutboxLag outbox;
    private final OutboxRelay relay;
    private final BusClient bus;
    private final GatewayConfig config;
    private final int grpcPort;

    public MonitorService(MonitorRepository monitor, GatewayConfig config, OutboxLag outbox,
            OutboxRelay relay, BusClient bus,
            @ConfigProperty(name = "quarkus.grpc.server.port") int grpcPort,
            @ConfigProperty(name = "quarkus.grpc.server.test-port",
                    defaultValue = "9001") int grpcTestPort) {
        // under test the server listens on the test port
        this.grpcPort = LaunchMode.current() == LaunchMode.TEST ? grpcTestPort
                : grpcPort;
        this.monitor = monitor;
        this.config = config;
        this.outbox = outbox;
        this.relay = relay;
        this.bus = bus;
    }

    /** A node's state: stopped gracefully, silent past {@code forge.gateway.worker-silence} or lost, or serving. */
    String nodeStatus(WorkerRow w) {
        if ("stopped".equals(w.status())) {
            return STOPPED;
        }
        if ("lost".equals(w.status()) || w.silentSeconds() > config.workerSilence().toMillis() / 1000.0) {
            return ERROR;
        }
        return SERVING;
    }

    /** Desired states shown per epoch: at most this many unfinished jobs. */
    static final int DESIRED_LIMIT = 500;

    public Uni<ObjectNode> deployments() {
        return monitor.workers().flatMap(workers -> monitor.assignments(DESIRED_LIMIT)
                .map(assignments -> deployments(workers, assignments)));
    }

    private ObjectNode deployments(List<WorkerRow> workers,
            List<MonitorRepository.Assignment> assignments) {
        var out = JsonValues.MAPPER.createObjectNode();
        var executors = new LinkedHashSet<String>();
        workers.forEach(w -> executors.addAll(w.executors()));
        var deployments = out.putArray("deployments");
        int active = 0;
        for (String executor : executors) {
            var hosting = workers.stream().filter(w -> w.executors().contains(executor)).toList();
            var serving = hosting.stream().filter(w -> SERVING.equals(nodeStatus(w))).toList();
            boolean anyError = hosting.stream().anyMatch(w -> ERROR.equals(nodeStatus(w)));
            String status = !serving.isEmpty() ? SERVING : anyError ? ERROR : STOPPED;
            if (!serving.isEmpty()) {
                active++;
            }
            var d = deployments.addObject();
            d.put("executor", executor);
            d.put("status", status);
            d.put("nodes", serving.size());
            d.put("nodes_total", hosting.size());
            hosting.stream().map(WorkerRow::heartbeatAt).max(Comparator.naturalOrder())
                    .ifPresent(t -> d.put("last_heartbeat_at", t.toInstant().toString()));
            var capacity = d.putObject("capacity");
            int total = serving.stream().mapToInt(WorkerRow::slotsTotal).sum();
            int used = serving.stream().mapToInt(w -> w.holders().size()).sum();
            capacity.put("slots_total", total).put("slots_used", used).put("slots_available",
                    Math.max(0, total - used));
            // a worker's slots serve every executor type it hosts
            capacity.put("shared", true);
            var nodes = d.putArray("node_ids");
            hosting.forEach(w -> nodes.add(w.id().toString()));
        }
        var nodes = out.putArray("nodes");
        int servingNodes = 0;
        int errorNodes = 0;
        for (var w : workers) {
            String status = nodeStatus(w);
            servingNodes += SERVING.equals(status) ? 1 : 0;
            errorNodes += ERROR.equals(status) ? 1 : 0;
            var n = nodes.addObject();
            n.put("id", w.id().toString());
            n.put("host", w.host());
            n.put("status", status);
            n.put("state", w.status());
            n.put("heartbeat_at", w.heartbeatAt().toInstant().toString());
            n.put("seconds_since_heartbeat", Math.round(w.silentSeconds() * 10) / 10.0);
            n.put("started_at", w.startedAt().toInstant().toString());
            n.put("slots_total", w.slotsTotal());
            n.put("slots_used", w.holders().size());
            var list = n.putArray("executors");
            w.executors().forEach(list::add);
        }
        var summary = out.putObject("summary");
        summary.put("total_executors", executors.size());
        summary.put("total_nodes", servingNodes + errorNodes);
        summary.put("active_deployments", active);
        summary.put("healthy_percent", servingNodes + errorNodes == 0 ? 0
                : Math.round(1000.0 * servingNodes / (servingNodes + errorNodes)) / 10.0);
        out.put("heartbeat_timeout_seconds", config.workerSilence().toSeconds());
        desired(out.putArray("desired"), assignments);
        return out;
    }

    /**
     * What the queue wants run where, grouped by lease epoch: a run at epoch 1 is on its first claim, a higher epoch
     * was claimed again after its worker lost it.
     */
    private static void desired(ArrayNode out, List<MonitorRepository.Assignment> assignments) {
        var byEpoch = new TreeMap<Long, List<MonitorRepository.Assignment>>(
                Comparator.reverseOrder());
        assignments.forEach(a -> byEpoch.computeIfAbsent(a.epoch(), e -> new ArrayList<>()).add(a));
        byEpoch.forEach((epoch, group) -> {
            var e = out.addObject();
            e.put("epoch", epoch);
            var states = e.putArray("states");
            group.forEach(a -> {
                var state = states.addObject();
                state.put("run_id", a.runId().toString());
                state.put("phase", a.phase());
                state.put("worker_id", a.worker() == null ? null : a.worker().toString());
                state.put("lease_expires_at", a.leaseExpiresAt() == null ? null
                        : a.leaseExpiresAt().toInstant().toString());
                state.put("attempt", a.attempt());
            });
        });
    }

    public Uni<ObjectNode> capacity() {
        return monitor.workers().map(workers -> {
            var out = JsonValues.MAPPER.createObjectNode();
            var slots = out.putArray("slots");
            var byExecutor = new LinkedHashMap<String, int[]>();
            int total = 0;
            int used = 0;
            for (var w : workers) {
                if (!SERVING.equals(nodeStatus(w))) {
                    continue;
                }
                int held = w.holders().size();
                total += w.slotsTotal();
                used += held;
                var s = slots.addObject();
                s.put("name", w.host() + "/" + w.id().toString().substring(0, 8));
                s.put("worker_id", w.id().toString());
                s.put("capacity", w.slotsTotal());
                s.put("used", held);
                s.put("available", Math.max(0, w.slotsTotal() - held));
                s.put("utilization_percent", percent(held, w.slotsTotal()));
                ArrayNode holders = s.putArray("holders");
                w.holders().forEach(h -> holders.add(h.toString()));
                var notes = s.putArray("notes");
                if (w.slotsUsed() != held) {
                    // the heartbeat's count lags the jobs table by up to one heartbeat
                    notes.add("COUNT≠HOLDERS (heartbeat reported " + w.slotsUsed() + ")");
                }
                if (held > w.slotsTotal()) {
                    notes.add("OVER_CAPACITY");
                }
                for (String executor : w.executors()) {
                    var sums = byExecutor.computeIfAbsent(executor, e -> new int[2]);
                    sums[0] += w.slotsTotal();
                    sums[1] += held;
                }
            }
            var executors = out.putArray("executors");
            byExecutor.forEach((executor, sums) -> executors.addObject().put("executor", executor)
                    .put("capacity", sums[0]).put("used", sums[1]).put("available", Math.max(0, sums[0] - sums[1]))
                    .put("utilization_percent", percent(sums[1], sums[0])));
            var totals = out.putObject("totals");
            totals.put("capacity", total);
            totals.put("used", used);
            totals.put("available", Math.max(0, total - used));
            totals.put("holders", used);
            totals.put("utilization_percent", percent(used, total));
            return out;
        });
    }

    /** This gateway process and what it sees of the queue. */
    public Uni<ObjectNode> debug() {
        return monitor.load().map(load -> {
            var out = JsonValues.MAPPER.createObjectNode();
            var runtime = ManagementFactory.getRuntimeMXBean();
            out.put("service", "gateway-service");
            out.put("version", ServiceVersion.current());
            // what a monitor needs to reach the rest of this gateway: the monitoring API's revision, the gRPC port
            out.put("monitor_api", 1);
            out.put("grpc_port", grpcPort);
            out.put("started_at", Instant.ofEpochMilli(runtime.getStartTime()).toString());
            out.put("uptime_seconds", runtime.getUptime() / 1000);
            var cpu = out.putObject("cpu");
            cpu.put("processors", Runtime.getRuntime().availableProcessors());
            if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
                cpu.put("process_load_percent", round(os.getProcessCpuLoad() * 100));
                cpu.put("system_load_percent", round(os.getCpuLoad() * 100));
            }
            cpu.put("load_average", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            var memory = out.putObject("memory");
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            memory.put("heap_used_mib", heap.getUsed() / (1024 * 1024));
            memory.put("heap_max_mib", heap.getMax() / (1024 * 1024));
            rssMib().ifPresent(rss -> memory.put("rss_mib", rss));
            out.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
            var queue = out.putObject("queue");
            queue.put("depth", load.queued());
            queue.put("leased", load.leased());
            var runs = out.putObject("runs");
            runs.put("running", load.runsRunning());
            runs.put("pending", load.runsPending());
            runs.put("waiting_for_input", load.runsWaiting());
            var pool = out.putObject("database");
            pool.put("connections", load.dbConnections());
            // the bus as infra-monitor shows it per gateway: the shared backlog and this process's relay
            var lag = outbox.last();
            out.putObject("outbox").put("unpublished", lag.unpublished())
                    .put("oldest_age_ms", lag.oldestAge().toMillis()).put("threshold_ms", outbox.threshold().toMillis())
                    .put("behind", outbox.behind()).put("published_here", relay.published())
                    .put("broker_connected", bus.connected());
            return out;
        });
    }

    private static Optional<Long> rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no RSS figure
        }
        return Optional.empty();
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
