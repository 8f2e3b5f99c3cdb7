package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.checkpoint.Checkpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;

/** Checkpoints store what each step changed: their size does not grow with the length of the run. */
@QuarkusTest
class CheckpointDeltaTest {

    private static final int STEPS = 200;

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;

    private WorkerEngine engine;

    @BeforeEach
    void start() {
        runs.reset();
        engine = lifecycle.newEngine(UUID.randomUUID(), 2);
        engine.start().await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
    }

    /** A sequential flow of {@code steps} llm executors, registered the way a pinned flow version is stored. */
    private UUID longPipelineSession(int steps) {
        var yaml = new StringBuilder("name: long-pipeline\nrouting_policy: sequential\nexecutors:\n");
        for (int i = 1; i <= steps; i++) {
            yaml.append("  - id: s").append(i).append("\n    type: llm\n    model: echo-model\n");
        }
        UUID assistant = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        runs.pool().withTransaction(tx -> tx.preparedQuery("INSERT INTO flow_versions (flow_name, version, source) "
                + "VALUES ('long-pipeline', 'v200', $1) ON CONFLICT DO NOTHING").execute(Tuple.of(yaml.toString()))
                .flatMap(x -> tx.preparedQuery("INSERT INTO assistants (id, name, flow_name, flow_version) "
                        + "VALUES ($1, 'long', 'long-pipeline', 'v200')").execute(Tuple.of(assistant)))
                .flatMap(x -> tx.preparedQuery("INSERT INTO sessions (id, assistant_id) VALUES ($1, $2)")
                        .execute(Tuple.of(session, assistant))))
                .await().atMost(Duration.ofSeconds(10));
        return session;
    }

    private int storedBytes(UUID run, int step) {
        return runs.one("SELECT octet_length(state::text) FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND step_index = $2", run, step).getInteger(0);
    }

    @Test
    void aTwoHundredStepRunsLastCheckpointIsAboutTheSizeOfItsSecond() {
        UUID run = runs.run(longPipelineSession(STEPS), "{\"topic\": \"deltas\"}");
        await().atMost(Duration.ofSeconds(90)).until(() -> !runs.status(run).equals("pending")
                && !runs.status(run).equals("running"));
        assertThat(runs.status(run)).isEqualTo("succeeded");

        int second = storedBytes(run, 2);
        int last = storedBytes(run, STEPS);
        assertThat(Checkpoints.keyframe(STEPS)).isFalse();
        assertThat(last).as("last %d bytes vs second %d bytes", last, second).isLessThan(second * 3 / 2);
        // keyframes bound how far a read goes back, and are the only rows that grow with the run
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND NOT is_delta", run))
                .isEqualTo(STEPS / Checkpoints.KEYFRAME_EVERY + 1);
        long total = runs.count("SELECT sum(octet_length(state::text)) FROM workflow_checkpoints WHERE run_id = $1",
                run);
        JsonNode whole = runs.state(run, STEPS);
        assertThat(total).as("all checkpoints together vs %d whole states", STEPS)
                .isLessThan((long) whole.toString().length() * 20);

        // reading rebuilds the whole state: every step's output and the full trace
        assertThat(whole.get("trace")).hasSize(STEPS);
        assertThat(whole.get("outputs")).hasSize(STEPS);
        assertThat(whole.at("/outputs/s200").asText()).isEqualTo("s200 done");
        assertThat(whole.at("/status/s1").asText()).isEqualTo("done");
        JsonNode middle = runs.state(run, 77);
        assertThat(middle.get("trace")).hasSize(77);
        assertThat(middle.get("outputs").has("s78")).isFalse();
        assertThat(middle.get("stepIndex").asInt()).isEqualTo(77);
    }
}
