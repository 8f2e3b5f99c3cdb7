package dev.forge.gateway;

import java.time.Duration;

import io.vertx.mutiny.sqlclient.Pool;

/** Empties the gateway test database's run data between tests (API keys and flow versions stay). */
public final class TestDb {

    private TestDb() {
    }

    public static void reset(Pool pool) {
        pool.query("TRUNCATE schedules, run_webhooks, run_artifacts, artifacts, idempotency_keys, assistant_versions, jobs, run_edges, "
                + "messages, workflow_checkpoints, events, runs, sessions, assistants")
                .execute().await().atMost(Duration.ofSeconds(5));
    }
}
