package dev.forge.worker.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.QueueStore;
import dev.forge.worker.service.TestRuns;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The claim shares slots between workspaces and holds back what is over its limit without blocking the rest: a
 * workspace that queued 5,000 runs first does not keep another's 50 waiting behind them; a workspace or assistant at
 * its concurrency limit gets nothing more while others pass it.
 */
@QuarkusTest
class FairClaimTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(60);

    @Inject
    Pool pool;
    @Inject
    QueueStore queue;
    @Inject
    TestRuns runs;

    @BeforeEach
    void clean() {
        runs.reset();
        pool.query("TRUNCATE run_limits").execute().await().atMost(WAIT);
    }

    /** An assistant in the workspace with {@code count} queued runs (each its own job, no session order). */
    private UUID queued(String workspace, int count) {
        UUID assistant = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO assistants (id, workspace_id, name, flow_name, "
                + "flow_version) VALUES ($1, $2, 'fair', 'noop', 'v1')").execute(Tuple.of(assistant, workspace))
                .flatMap(x -> tx.preparedQuery("INSERT INTO sessions (id, workspace_id, assistant_id) VALUES ($1, $2, "
                        + "$3)").execute(Tuple.of(session, workspace, assistant)))
                .flatMap(x -> tx.preparedQuery("""
                        WITH r AS (INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version,
                                                     flow_name, flow_version)
                                   SELECT gen_random_uuid(), $1, $2, $3, 1, 'noop', 'v1' FROM generate_series(1, $4)
                                   RETURNING id)
                        INSERT INTO jobs (run_id, workspace_id, assistant_id) SELECT id, $1, $3 FROM r""")
                        .execute(Tuple.of(workspace, session, assistant, count))))
                .await().atMost(WAIT);
        return assistant;
    }

    private List<ClaimedJob> claim(int slots) {
        return queue.claim(UUID.randomUUID(), slots, LEASE).await().atMost(WAIT);
    }

    /** Claimed jobs per workspace. */
    private Map<String, Long> byWorkspace(List<ClaimedJob> claimed) {
        return owners(claimed, "workspace_id");
    }

    private Map<String, Long> owners(List<ClaimedJob> claimed, String column) {
        var ids = claimed.stream().map(ClaimedJob::jobId).toArray(Long[]::new);
        var owners = new ArrayList<String>();
        pool.preparedQuery("SELECT " + column + "::text FROM jobs WHERE id = ANY($1)").execute(Tuple.of((Object) ids))
                .await().atMost(WAIT).forEach(r -> owners.add(r.getString(0)));
        return owners.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void aSmallTenantIsNotQueuedBehindABigOne() {
        queued("tenant-a", 5000);
        queued("tenant-b", 50);
        // slots are shared in turns: half each while both have work
        assertThat(byWorkspace(claim(10))).isEqualTo(Map.of("tenant-a", 5L, "tenant-b", 5L));
        // B's 50 are all claimed after 100 claims, not after A's 5,000
        long claimedB = 5;
        int claims = 1;
        while (claimedB < 50) {
            claimedB += byWorkspace(claim(10)).getOrDefault("tenant-b", 0L);
            claims++;
        }
        assertThat(claims).isLessThanOrEqualTo(10);
        // then A has every slot
        assertThat(byWorkspace(claim(10))).isEqualTo(Map.of("tenant-a", 10L));
    }

    @Test
    void aWorkspaceAtItsLimitWaitsWhileOthersPass() {
        queued("tenant-a", 100);
        queued("tenant-b", 100);
        pool.query("INSERT INTO run_limits (scope, subject, workspace_id, max_concurrent, updated_at) "
                + "VALUES ('workspace', 'tenant-a', 'tenant-a', 3, now())").execute().await().atMost(WAIT);
        // (a worker reads within 2 s that a limit was set; here at once)
        limitsRead();
        assertThat(byWorkspace(claim(10))).isEqualTo(Map.of("tenant-a", 3L, "tenant-b", 7L));
        // A's three still run: nothing more for A, B goes on
        assertThat(byWorkspace(claim(10))).isEqualTo(Map.of("tenant-b", 10L));
        // one of A's ends: one more of A's may start
        pool.query("DELETE FROM jobs WHERE id = (SELECT min(id) FROM jobs WHERE workspace_id = 'tenant-a' AND "
                + "locked_by IS NOT NULL)").execute().await().atMost(WAIT);
        assertThat(byWorkspace(claim(10)).get("tenant-a")).isEqualTo(1L);
    }

    @Test
    void anAssistantAtItsLimitDoesNotBlockTheWorkspacesOtherAssistants() {
        UUID busy = queued("tenant-a", 200);
        UUID other = queued("tenant-a", 20);
        pool.preparedQuery("INSERT INTO run_limits (scope, subject, workspace_id, max_concurrent, updated_at) "
                + "VALUES ('assistant', $1, 'tenant-a', 2, now())").execute(Tuple.of(busy.toString())).await()
                .atMost(WAIT);
        limitsRead();
        var claimed = owners(claim(10), "assistant_id");
        assertThat(claimed).isEqualTo(Map.of(busy.toString(), 2L, other.toString(), 8L));
        assertThat(owners(claim(10), "assistant_id")).isEqualTo(Map.of(other.toString(), 10L));
    }

    private void limitsRead() {
        assertThat(queue.recheckLimits().await().atMost(WAIT)).isTrue();
    }
}
