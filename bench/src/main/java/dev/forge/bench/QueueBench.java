package dev.forge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.config.LimitsConfig;
import dev.forge.core.json.JsonValues;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.JobWakeup;
import dev.forge.core.queue.QueueStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * WORKLOAD.md's Q1 (queue throughput) and Q2 (pickup latency) on Forge's queue: the jobs table and the same claim,
 * wake-up and completion statements the workers use. Each mode prints one JSON line.
 * The JVM is warmed with one unmeasured round first (a worker is a long-running process); {@code -Dforge.bench.cold=true}
 * measures a cold JVM.
 * <ul>
 * <li>{@code q1 [jobs=20000] [slots=16]} — bulk-enqueue run jobs, then drain them with {@code slots} concurrent
 * handlers over a local queue (claims of up to {@value #PREFETCH} jobs, like the peer's batched local queue) and
 * group-committed completions (one DELETE per flush, synchronous_commit as the server default). Every job is counted;
 * a job executed twice or never fails the run.</li>
 * <li>{@code q2 [jobs=1000]} — an idle consumer woken by NOTIFY; one job enqueued every 5 ms; pickup = claim time
 * minus the enqueue wall-clock time.</li>
 * <li>{@code f1 [big=5000] [small=50] [slots=16]} — fairness: one workspace's backlog, then another's few runs; when
 * the few start, with the two workspaces taking turns and, for comparison, in one workspace's queue order.</li>
 * </ul>
 */
public final class QueueBench {

    static final int PREFETCH = Integer.getInteger("forge.bench.prefetch", 512);
    static final int CLAIMERS = Integer.getInteger("forge.bench.claimers", 2);
    static final int FLUSHERS = Integer.getInteger("forge.bench.flushers", 2);
    private static final String DB = System.getenv().getOrDefault("FORGE_BENCH_DB", "forge_bench_queue");
    private static final Duration LEASE = Duration.ofSeconds(60);

    private QueueBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "q1";
        Vertx vertx = Vertx.vertx();
        try {
            if (!Boolean.getBoolean("forge.bench.cold")) {
                // a worker is a long-running JVM: warm the JIT on a throw-away database, then measure on a fresh one
                BenchDb.fresh(vertx, DB);
                System.err.println("warm-up: " + (mode.equals("q2") ? q2(vertx, 300)
                        : mode.equals("f1") ? f1(vertx, 1_000, 50, 16, false) : q1(vertx, 20_000, 16)));
            }
            BenchDb.fresh(vertx, DB);
            String experiment = System.getenv("FORGE_BENCH_SQL");
            if (experiment != null) {
                var p = BenchDb.pool(vertx, DB, 1);
                p.query(experiment).execute().await().atMost(BenchDb.WAIT);
                p.close().await().atMost(BenchDb.WAIT);
            }
            var out = switch (mode) {
                case "q1" -> q1(vertx, arg(args, 1, 20_000), arg(args, 2, 16));
                case "q2" -> q2(vertx, arg(args, 1, 1_000));
                case "f1" -> f1(vertx, arg(args, 1, 5_000), arg(args, 2, 50), arg(args, 3, 16), false) + "\n"
                        + f1(vertx, arg(args, 1, 5_000), arg(args, 2, 50), arg(args, 3, 16), true);
                default -> throw new IllegalArgumentException("mode is q1, q2 or f1, not " + mode);
            };
            System.out.println(out);
        } finally {
            vertx.closeAndAwait();
        }
        System.exit(0);
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    /** One assistant and session the benchmark's runs hang off (jobs carry no session, so none waits for another). */
    private static UUID[] owner(Pool pool) {
        UUID assistant = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO assistants (id, name, flow_name, flow_version) "
                + "VALUES ($1, 'bench', 'noop', 'v1')").execute(Tuple.of(assistant))
                .flatMap(x -> tx.preparedQuery("INSERT INTO sessions (id, assistant_id) VALUES ($1, $2)")
                        .execute(Tuple.of(session, assistant))))
                .await().atMost(BenchDb.WAIT);
        return new UUID[] { assistant, session };
    }

    private static final String ENQUEUE_RANGE = """
            WITH r AS (
                INSERT INTO runs (id, session_id, assistant_id, assistant_version, flow_name, flow_version, input)
                SELECT gen_random_uuid(), $1, $2, 1, 'noop', 'v1', jsonb_build_object('i', g)
                FROM generate_series($3::int, $4::int) g RETURNING id)
            INSERT INTO jobs (run_id) SELECT id FROM r""";

    static String q1(Vertx vertx, int jobs, int slots) throws Exception {
        Pool pool = BenchDb.pool(vertx, DB, 8);
        var queue = new QueueStore(pool, LimitsConfig.none());
        UUID[] owner = owner(pool);

        long t0 = System.nanoTime();
        for (int i = 0; i < jobs; i += 1000) {
            int last = Math.min(jobs, i + 1000) - 1;
            pool.preparedQuery(ENQUEUE_RANGE).execute(Tuple.of(owner[1], owner[0], i, last)).await()
                    .atMost(BenchDb.WAIT);
        }
        double enqueueSeconds = (System.nanoTime() - t0) / 1e9;

        var consumer = new Consumer(queue, UUID.randomUUID(), slots, jobs);
        long t1 = System.nanoTime();
        consumer.start();
        if (!consumer.done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Q1 did not drain: " + consumer.completed.get() + " of " + jobs);
        }
        double drainSeconds = (System.nanoTime() - t1) / 1e9;
        long remaining = pool.query("SELECT count(*) FROM jobs").execute().await().atMost(BenchDb.WAIT).iterator()
                .next().getLong(0);
        consumer.stop.set(true);

        ObjectNode line = JsonValues.MAPPER.createObjectNode();
        line.put("system", "forge").put("workload", "Q1").put("jobs", jobs).put("concurrency", slots)
                .put("enqueue_jobs_per_s", Math.round(jobs / enqueueSeconds))
                .put("processed_jobs_per_s", Math.round(jobs / drainSeconds))
                .put("executed_once", consumer.executions.size() == jobs
                        && consumer.executions.values().stream().allMatch(n -> n.get() == 1))
                .put("jobs_left", remaining);
        return line.toString();
    }

    /** How long each fairness job holds its slot: a stand-in for a short run. */
    private static final long F1_WORK_MS = 20;

    /**
     * F1, fairness: workspace A enqueues {@code big} runs, then workspace B {@code small}; {@code slots} slots claim
     * what they have room for (as a worker does) and hold each job 20 ms. Measured: how long after B's enqueue each of
     * B's jobs started. {@code sameWorkspace}: B's runs are another assistant's in A's workspace — the first come,
     * first served order a single tenant gets, for comparison.
     */
    static String f1(Vertx vertx, int big, int small, int slots, boolean sameWorkspace) throws Exception {
        BenchDb.fresh(vertx, DB);
        Pool pool = BenchDb.pool(vertx, DB, 8);
        var queue = new QueueStore(pool, LimitsConfig.none());
        enqueueIn(pool, "tenant-a", big);
        long enqueuedAt = System.nanoTime();
        var smallRuns = enqueueIn(pool, sameWorkspace ? "tenant-a" : "tenant-b", small);
        var starts = new ConcurrentHashMap<UUID, Long>();
        var free = new AtomicInteger(slots);
        UUID worker = UUID.randomUUID();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (starts.size() < small && System.nanoTime() < deadline) {
            int room = free.get();
            if (room == 0) {
                Thread.sleep(1);
                continue;
            }
            var jobs = queue.claim(worker, room, LEASE).await().atMost(BenchDb.WAIT);
            long now = System.nanoTime();
            free.addAndGet(-jobs.size());
            for (ClaimedJob job : jobs) {
                if (smallRuns.contains(job.runId())) {
                    starts.put(job.runId(), now - enqueuedAt);
                }
                vertx.setTimer(F1_WORK_MS, t -> queue.completeAll(worker, List.of(job)).subscribe()
                        .with(n -> free.incrementAndGet(), e -> free.incrementAndGet()));
            }
            if (jobs.isEmpty()) {
                Thread.sleep(1);
            }
        }
        var millis = starts.values().stream().map(n -> n / 1_000_000.0).sorted().toList();
        pool.close().await().atMost(BenchDb.WAIT);
        ObjectNode line = JsonValues.MAPPER.createObjectNode();
        line.put("system", "forge").put("workload", "F1").put("order", sameWorkspace ? "one workspace (FIFO)"
                : "two workspaces (turns)").put("big_jobs", big).put("small_jobs", small).put("slots", slots)
                .put("work_ms", F1_WORK_MS).put("small_started", millis.size())
                .put("small_start_p50_ms", millis.isEmpty() ? -1 : Math.round(millis.get(millis.size() / 2)))
                .put("small_start_max_ms", millis.isEmpty() ? -1 : Math.round(millis.get(millis.size() - 1)));
        return line.toString();
    }

    /** {@code count} runs of a new assistant in the workspace, each with its job; the runs' ids. */
    private static Set<UUID> enqueueIn(Pool pool, String workspace, int count) {
        UUID assistant = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        var ids = ConcurrentHashMap.<UUID>newKeySet();
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO assistants (id, workspace_id, name, flow_name, "
                + "flow_version) VALUES ($1, $2, 'bench', 'noop', 'v1')").execute(Tuple.of(assistant, workspace))
                .flatMap(x -> tx.preparedQuery("INSERT INTO sessions (id, workspace_id, assistant_id) VALUES ($1, $2, "
                        + "$3)").execute(Tuple.of(session, workspace, assistant)))
                .flatMap(x -> tx.preparedQuery("""
                        WITH r AS (INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version,
                                                     flow_name, flow_version)
                                   SELECT gen_random_uuid(), $1, $2, $3, 1, 'noop', 'v1' FROM generate_series(1, $4)
                                   RETURNING id)
                        INSERT INTO jobs (run_id, workspace_id, assistant_id) SELECT id, $1, $3 FROM r
                        RETURNING run_id""").execute(Tuple.of(workspace, session, assistant, count))))
                .await().atMost(BenchDb.WAIT).forEach(r -> ids.add(r.getUUID(0)));
        return ids;
    }

    /**
     * Claims into a local queue, runs no-op handlers on at most {@code slots} at a time, and completes what they
     * finished in batches, one flush in flight (the next batch collects meanwhile: group commit).
     */
    static final class Consumer {
        final QueueStore queue;
        final UUID workerId;
        final int slots;
        final int expected;
        final Map<UUID, AtomicInteger> executions = new ConcurrentHashMap<>();
        final AtomicInteger completed = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<ClaimedJob> finished = new ArrayList<>();
        private int flushing;
        private final Semaphore handlers;

        Consumer(QueueStore queue, UUID workerId, int slots, int expected) {
            this.queue = queue;
            this.workerId = workerId;
            this.slots = slots;
            this.expected = expected;
            this.handlers = new Semaphore(slots);
        }

        void start() {
            // claims in flight at once: each waits for its commit, so overlapping them keeps the server busy
            for (int i = 0; i < CLAIMERS; i++) {
                claim();
            }
        }

        private void claim() {
            if (stop.get() || completed.get() >= expected) {
                return;
            }
            queue.claim(workerId, PREFETCH, LEASE).subscribe().with(jobs -> {
                for (ClaimedJob job : jobs) {
                    handlers.acquireUninterruptibly();
                    try {
                        // the no-op handler: count the execution
                        executions.computeIfAbsent(job.runId(), k -> new AtomicInteger()).incrementAndGet();
                    } finally {
                        handlers.release();
                    }
                    finishedJob(job);
                }
                if (jobs.isEmpty()) {
                    // nothing runnable right now: what remains is leased and being completed
                    Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5))
                            .subscribe().with(x -> claim());
                } else {
                    claim();
                }
            }, failure -> {
                System.err.println("claim failed: " + failure);
                claim();
            });
        }

        private synchronized void finishedJob(ClaimedJob job) {
            finished.add(job);
            flush();
        }

        private synchronized void flush() {
            if (flushing >= FLUSHERS || finished.isEmpty()) {
                return;
            }
            flushing++;
            var batch = new ArrayList<>(finished);
            finished.clear();
            queue.completeAll(workerId, batch).subscribe().with(n -> {
                if (completed.addAndGet(n) >= expected) {
                    done.countDown();
                }
                synchronized (this) {
                    flushing--;
                    flush();
                }
            }, failure -> {
                System.err.println("completion failed: " + failure);
                synchronized (this) {
                    finished.addAll(batch);
                    flushing--;
                    flush();
                }
            });
        }
    }

    static String q2(Vertx vertx, int jobs) throws Exception {
        Pool pool = BenchDb.pool(vertx, DB, 4);
        var queue = new QueueStore(pool, LimitsConfig.none());
        var wakeup = new JobWakeup(pool, vertx);
        UUID[] owner = owner(pool);
        Map<UUID, Long> enqueuedAt = new ConcurrentHashMap<>();
        Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        List<Double> commits = Collections.synchronizedList(new ArrayList<>());
        List<Double> pickups = Collections.synchronizedList(new ArrayList<>());
        var all = new CountDownLatch(jobs);
        UUID workerId = UUID.randomUUID();
        var claiming = new AtomicBoolean();
        var again = new AtomicBoolean();

        Runnable drain = new Runnable() {
            @Override
            public void run() {
                if (!claiming.compareAndSet(false, true)) {
                    again.set(true); // woken during a claim: claim once more after it (as the worker engine does)
                    return;
                }
                again.set(false);
                queue.claim(workerId, 16, LEASE).subscribe().with(claimed -> {
                    long now = System.nanoTime();
                    for (ClaimedJob job : claimed) {
                        Long t = enqueuedAt.get(job.runId());
                        if (t != null) {
                            pickups.add((now - t) / 1e6);
                        }
                        all.countDown();
                    }
                    queue.completeAll(workerId, claimed).subscribe().with(n -> { }, e -> { });
                    claiming.set(false);
                    if (!claimed.isEmpty() || again.get()) {
                        run(); // more may be waiting
                    }
                }, failure -> claiming.set(false));
            }
        };
        // the worker's wake-up path: LISTEN on the queue channel, plus a 1 s poll
        var subscriber = PgSubscriber.subscriber(vertx, BenchDb.options(DB));
        subscriber.channel(QueueStore.CHANNEL).handler(payload -> drain.run());
        subscriber.connect().await().atMost(BenchDb.WAIT);
        long poll = vertx.setPeriodic(1000, id -> drain.run());

        String enqueueOne = """
                WITH r AS (
                    INSERT INTO runs (id, session_id, assistant_id, assistant_version, flow_name, flow_version)
                    VALUES ($1, $2, $3, 1, 'noop', 'v1') RETURNING id)
                INSERT INTO jobs (run_id) SELECT id FROM r""";
        var producer = Executors.newSingleThreadScheduledExecutor();
        var sent = new AtomicInteger();
        producer.scheduleAtFixedRate(() -> {
            if (sent.getAndIncrement() >= jobs) {
                return;
            }
            UUID run = UUID.randomUUID();
            enqueuedAt.put(run, System.nanoTime());
            pool.preparedQuery(enqueueOne).execute(Tuple.of(run, owner[1], owner[0]))
                    .subscribe().with(x -> {
                        commits.add((System.nanoTime() - enqueuedAt.get(run)) / 1e6);
                        wakeup.jobsCommitted();
                    }, e -> System.err.println("enqueue failed: " + e));
        }, 0, 5, TimeUnit.MILLISECONDS);
        if (!all.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Q2 picked up only " + (jobs - all.getCount()) + " of " + jobs);
        }
        producer.shutdownNow();
        vertx.cancelTimer(poll);
        subscriber.close().await().atMost(BenchDb.WAIT);

        var commitTimes = new ArrayList<>(commits);
        commitTimes.sort(Double::compare);
        System.err.println("enqueue commit ms p50 " + pct(commitTimes, 0.5) + " p99 " + pct(commitTimes, 0.99));
        var sorted = new ArrayList<>(pickups);
        sorted.sort(Double::compare);
        ObjectNode line = JsonValues.MAPPER.createObjectNode();
        line.put("system", "forge").put("workload", "Q2").put("jobs", jobs)
                .put("pickup_ms_p50", round(pct(sorted, 0.50))).put("pickup_ms_p99", round(pct(sorted, 0.99)))
                .put("pickup_ms_max", round(sorted.get(sorted.size() - 1)));
        return line.toString();
    }

    static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
