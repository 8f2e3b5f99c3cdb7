package dev.forge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * WORKLOAD.md's R1: {@code document-review} runs through the gateway's REST API from concurrent clients, against the
 * services {@code deploy/forge up} started. Create latency is measured by the clients; run latency and throughput
 * from the runs' own timestamps in PostgreSQL; every run is checked to have succeeded exactly once with one
 * checkpoint per step. Prints one JSON line.
 * <p>
 * usage: {@code RunBench [runs=5000] [clients=32]}, {@code -Dforge.bench.warmup=1000} unmeasured runs first; env
 * FORGE_GATEWAY_URL, FORGE_ADMIN_KEY (else .run/admin.key),
 * FORGE_DB (forge), FORGE_WORKER_PID_FILE (.run/worker.pid) for the worker's peak RSS.
 */
public final class RunBench {

    private static final String[] DOCUMENTS = {
        "This Services Agreement limits each party's liability and sets out indemnification.",
        "Q3 revenue grew 14% year on year; EBITDA margin and operating cash flow improved.",
        "Notes from the team offsite: we planned the roadmap and booked a venue.",
    };

    private RunBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        String gateway = System.getenv().getOrDefault("FORGE_GATEWAY_URL", "http://127.0.0.1:51000");
        String key = System.getenv("FORGE_ADMIN_KEY");
        if (key == null) {
            key = Files.readString(Path.of(".run/admin.key")).trim();
        }
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Bearer " + key;

        String assistant = JsonValues.MAPPER.readTree(post(http, gateway + "/v1/assistants", auth,
                "{\"name\": \"bench\", \"flow\": \"document-review\"}", 201)).path("id").asText();

        Vertx vertx = Vertx.vertx();
        Pool pool = BenchDb.pool(vertx, System.getenv().getOrDefault("FORGE_DB", "forge"), 2);

        // a warm-up round first, not measured: freshly started services spend their first minute compiling (the
        // JIT took more CPU than the event loops in a profile of a cold run)
        int warmup = Integer.getInteger("forge.bench.warmup", 1000);
        int warmedUp = 0;
        if (warmup > 0) {
            var round = submit(http, gateway, auth, assistant, warmup, clients);
            warmedUp = round.ids().size();
            awaitTerminal(pool, round.ids().toArray(UUID[]::new));
        }

        double rate = Double.parseDouble(System.getProperty("forge.bench.rate", "0"));
        if (rate > 0) {
            openLoop(http, gateway, auth, assistant, pool, vertx, rate);
            return;
        }

        var round = submit(http, gateway, auth, assistant, runs, clients);
        var ids = round.ids();
        var createMs = round.createMs();
        var errors = round.errors();
        UUID[] created = ids.toArray(UUID[]::new);
        long terminal = awaitTerminal(pool, created);
        Row stats = one(pool, """
                SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                       count(*) FILTER (WHERE status <> 'succeeded') AS not_succeeded,
                       extract(epoch FROM max(finished_at) - min(created_at)) AS span_s,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
                           * 1000 AS run_p50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
                           * 1000 AS run_p99
                FROM runs WHERE id = ANY($1)""", created);
        long ofAssistant = one(pool, "SELECT count(*) FROM runs WHERE assistant_id = $1",
                UUID.fromString(assistant)).getLong(0) - warmedUp;
        long wrongCheckpoints = one(pool, "SELECT count(*) FROM (SELECT run_id FROM workflow_checkpoints "
                + "WHERE run_id = ANY($1) GROUP BY run_id HAVING count(*) <> 5 OR count(DISTINCT step_index) <> 5) x",
                created).getLong(0);
        long terminalEvents = one(pool, "SELECT count(*) FROM events WHERE run_id = ANY($1) AND type LIKE 'run.%' "
                + "AND type IN ('run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out')", created).getLong(0);
        pool.close().await().atMost(BenchDb.WAIT);
        vertx.closeAndAwait();

        var sortedCreate = new ArrayList<>(createMs);
        sortedCreate.sort(Double::compare);
        double span = stats.getDouble("span_s");
        ObjectNode line = JsonValues.MAPPER.createObjectNode();
        line.put("system", "forge").put("workload", "R1").put("runs", runs).put("clients", clients)
                .put("runs_per_s", Math.round(created.length / span))
                .put("create_ms_p50", QueueBench.round(QueueBench.pct(sortedCreate, 0.50)))
                .put("create_ms_p99", QueueBench.round(QueueBench.pct(sortedCreate, 0.99)))
                .put("run_ms_p50", QueueBench.round(stats.getDouble("run_p50")))
                .put("run_ms_p99", QueueBench.round(stats.getDouble("run_p99")))
                .put("succeeded", stats.getLong("succeeded"))
                .put("failed", stats.getLong("not_succeeded"))
                .put("lost", runs - terminal)
                .put("create_errors", errors.get())
                .put("duplicated", Math.max(0, ofAssistant - runs) + Math.max(0, terminalEvents - created.length))
                .put("runs_with_wrong_checkpoints", wrongCheckpoints);
        Long rss = workerPeakRssMiB();
        if (rss != null) {
            line.put("worker_rss_mib", rss);
        }
        System.out.println(line);
        System.exit(0);
    }

    /**
     * R2 (WORKLOAD.md): runs fired at planned times start + i/rate for {@code forge.bench.duration} seconds (60),
     * without waiting for earlier creates (an open loop: a slow answer delays no later send); create and run latency
     * from the planned send time, so a backlog shows (no coordinated omission). The first {@code forge.bench.skip}
     * seconds (10) must complete but are left out of the percentiles.
     */
    private static void openLoop(HttpClient http, String gateway, String auth, String assistant, Pool pool,
            Vertx vertx, double rate) throws Exception {
        int duration = Integer.getInteger("forge.bench.duration", 60);
        int skip = Integer.getInteger("forge.bench.skip", 10);
        int total = (int) Math.round(rate * duration);
        var planned = new long[total];
        var answered = new long[total];
        var ids = new UUID[total];
        var errors = new AtomicInteger();
        var sendLag = new double[total];
        var pending = new ArrayList<CompletableFuture<?>>(total);
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        for (int i = 0; i < total; i++) {
            long at = startNanos + Math.round(i * 1e9 / rate);
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            planned[n] = at;
            sendLag[n] = (System.nanoTime() - at) / 1e6;
            String body = "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \""
                    + DOCUMENTS[n % DOCUMENTS.length] + "\", \"n\": " + n + "}}";
            var request = HttpRequest.newBuilder(URI.create(gateway + "/v1/runs"))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        answered[n] = System.nanoTime();
                        try {
                            if (failure == null && response.statusCode() == 202) {
                                ids[n] = UUID.fromString(JsonValues.MAPPER.readTree(response.body()).path("id")
                                        .asText());
                                return;
                            }
                        } catch (Exception e) {
                            // counted below
                        }
                        errors.incrementAndGet();
                    }));
        }
        for (var f : pending) {
            try {
                f.join();
            } catch (RuntimeException e) {
                // counted in whenComplete
            }
        }
        var created = Arrays.stream(ids).filter(Objects::nonNull).toArray(UUID[]::new);
        long terminal = awaitTerminal(pool, created);
        // each run's finish on the wall clock, to compare with its planned send
        var finished = new HashMap<UUID, Long>();
        pool.preparedQuery("SELECT id, status, extract(epoch FROM finished_at) * 1000 AS at FROM runs "
                + "WHERE id = ANY($1)").execute(Tuple.of(created)).await().atMost(BenchDb.WAIT).forEach(r -> {
                    if ("succeeded".equals(r.getString("status"))) {
                        finished.put(r.getUUID("id"), Math.round(r.getDouble("at")));
                    }
                });
        // a run finished twice would carry two terminal events
        long terminalEvents = one(pool, "SELECT count(*) FROM events WHERE run_id = ANY($1) AND type IN "
                + "('run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out')", created).getLong(0);
        pool.close().await().atMost(BenchDb.WAIT);
        vertx.closeAndAwait();
        var createMs = new ArrayList<Double>();
        var runMs = new ArrayList<Double>();
        var lags = new ArrayList<Double>();
        int measuredFrom = (int) Math.round(rate * skip);
        for (int i = measuredFrom; i < total; i++) {
            if (ids[i] == null) {
                continue;
            }
            createMs.add((answered[i] - planned[i]) / 1e6);
            lags.add(sendLag[i]);
            Long end = finished.get(ids[i]);
            if (end != null) {
                double plannedWall = startMillis + (planned[i] - startNanos) / 1e6;
                runMs.add(end - plannedWall);
            }
        }
        createMs.sort(Double::compare);
        runMs.sort(Double::compare);
        lags.sort(Double::compare);
        ObjectNode line = JsonValues.MAPPER.createObjectNode();
        line.put("system", "forge").put("workload", "R2").put("rate", rate).put("duration_s", duration)
                .put("skip_s", skip).put("runs", total - measuredFrom).put("runs_total", total)
                .put("create_ms_p50", QueueBench.round(QueueBench.pct(createMs, 0.50)))
                .put("create_ms_p99", QueueBench.round(QueueBench.pct(createMs, 0.99)))
                .put("run_ms_p50", QueueBench.round(QueueBench.pct(runMs, 0.50)))
                .put("run_ms_p99", QueueBench.round(QueueBench.pct(runMs, 0.99)))
                .put("send_lag_ms_p99", QueueBench.round(QueueBench.pct(lags, 0.99)))
                .put("succeeded", finished.size()).put("failed", created.length - finished.size() + errors.get())
                .put("lost", created.length - terminal).put("create_errors", errors.get())
                .put("duplicated", Math.max(0, terminalEvents - created.length));
        System.out.println(line);
        System.exit(0);
    }

    /** The runs one round created (in no particular order), each create's latency, and failed creates. */
    private record Round(List<UUID> ids, List<Double> createMs, AtomicInteger errors) {
    }

    /** Creates {@code runs} runs from {@code clients} concurrent clients, each waiting for its answer. */
    private static Round submit(HttpClient http, String gateway, String auth, String assistant, int runs, int clients)
            throws InterruptedException {
        var round = new Round(Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()), new AtomicInteger());
        var next = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < clients; c++) {
            var thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
                    String body = "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \""
                            + DOCUMENTS[i % DOCUMENTS.length] + "\", \"n\": " + i + "}}";
                    long t0 = System.nanoTime();
                    try {
                        String created = post(http, gateway + "/v1/runs", auth, body, 202);
                        round.createMs().add((System.nanoTime() - t0) / 1e6);
                        round.ids().add(UUID.fromString(JsonValues.MAPPER.readTree(created).path("id").asText()));
                    } catch (Exception e) {
                        round.errors().incrementAndGet();
                        System.err.println("create failed: " + e.getMessage());
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        return round;
    }

    /** Waits (up to 10 minutes) until every run is terminal; returns how many are. */
    private static long awaitTerminal(Pool pool, UUID[] ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long terminal = 0;
        while (System.nanoTime() < deadline) {
            terminal = one(pool, "SELECT count(*) FROM runs WHERE id = ANY($1) AND status NOT IN ('pending', "
                    + "'running')", ids).getLong(0);
            if (terminal == ids.length) {
                break;
            }
            Thread.sleep(200);
        }
        return terminal;
    }

    private static Row one(Pool pool, String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().atMost(BenchDb.WAIT).iterator().next();
    }

    private static String post(HttpClient http, String url, String auth, String body, int expected)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The worker's peak resident memory (VmHWM), when its pid file is readable. */
    private static Long workerPeakRssMiB() {
        try {
            String pid = Files.readString(Path.of(System.getenv().getOrDefault("FORGE_WORKER_PID_FILE",
                    ".run/worker.pid"))).trim();
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            System.err.println("worker RSS not read: " + e.getMessage());
        }
        return null;
    }
}
