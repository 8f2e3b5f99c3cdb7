package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.artifact.BlobStore;
import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.testing.LocalS3;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;

/** Executor outputs above the offload threshold live in S3; checkpoints keep references that resume resolves. */
@QuarkusTest
class OffloadTest {

    private static final Duration LONG = Duration.ofHours(1);

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;
    @Inject
    OffloadedValues offloaded;
    @Inject
    BlobStore blobs;

    private final TestEngines engines = new TestEngines();

    @BeforeAll
    static void s3() {
        LocalS3.ensureStarted();
    }

    @BeforeEach
    void clean() {
        runs.reset();
    }

    @AfterEach
    void stopEngines() {
        engines.stopAll();
    }

    private WorkerEngine start(WorkerEngine engine) {
        return engines.start(engine);
    }

    @Test
    void aLargeOutputIsOffloadedAndATakeoverAfterLeaseLossReadsItBackIntact() {
        var text = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            text.append("word").append(i).append(' ');
        }
        String document = text.toString().trim();
        assertThat(document.length()).isGreaterThan(300_000);
        var stale = start(lifecycle.newEngine(UUID.randomUUID(),
                new WorkerSettings(1, Duration.ofSeconds(3), LONG, Duration.ofMillis(100), LONG, 3),
                new CountingProvider().router()));
        UUID run = runs.run(runs.session("bulk-pipeline"), "\"" + document + "\"");

        // the stale worker committed the large output and is inside the slow step
        await().atMost(Duration.ofSeconds(15)).until(() -> runs.count(
                "SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND step_index = 1", run) == 1);
        JsonNode stored = runs.state(run, 1);
        JsonNode reference = stored.path("outputs").path("bulk_producer");
        assertThat(OffloadedValues.isReference(reference)).as("the output is a reference: %s", reference).isTrue();
        assertThat(OffloadedValues.isReference(stored.path("input"))).as("the large input too").isTrue();
        assertThat(stored.toString().length()).as("the state stays small").isLessThan(4_000);
        // the object in S3 is the output, byte for byte
        byte[] object = blobs.get(reference.path("$forge_blob").path("key").asText()).await()
                .atMost(Duration.ofSeconds(10));
        assertThat(OffloadedValues.sha256(object)).isEqualTo(reference.path("$forge_blob").path("sha256").asText());

        runs.pool().preparedQuery("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1")
                .execute(Tuple.of(run)).await().atMost(Duration.ofSeconds(5));
        start(lifecycle.newEngine(UUID.randomUUID(), 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.status(run).equals("succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> stale.slotsUsed() == 0);

        assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1 AND type = 'run.recovered'", run))
                .isEqualTo(1);
        // the takeover's slow step saw the whole output: the input (40,000 words), the echoed input again, and the
        // sender's label (a reference would have been a handful of words)
        JsonNode last = runs.latestState(run);
        assertThat(last.path("outputs").path("bulk_slow").asText()).matches("digested 800\\d\\d words");
        JsonNode resolved = offloaded.resolve(last).await().atMost(Duration.ofSeconds(10));
        assertThat(resolved.path("outputs").path("bulk_producer").asText()).isEqualTo(document);
        assertThat(resolved.path("input").asText()).isEqualTo(document);
        // the edge carrying the output is a reference too, not another copy
        JsonNode edge = runs.json("SELECT message::text FROM run_edges WHERE run_id = $1 AND from_executor = "
                + "'bulk_producer'", run);
        assertThat(OffloadedValues.isReference(edge)).isTrue();
    }
}
