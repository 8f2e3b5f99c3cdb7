package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.testing.LocalS3;
import dev.forge.gateway.TestAuth;
import dev.forge.gateway.rest.ArtifactTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Artifacts reaching a worker's executors, and offloaded outputs read back whole through the API. */
@QuarkusTest
class ArtifactRunTest {

    @Inject
    Pool pool;

    @BeforeAll
    static void s3() {
        LocalS3.ensureStarted();
    }

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static String run(String flow, String artifact) {
        String assistant = given().contentType(ContentType.JSON).body("{\"name\": \"a\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"task\": \"review the attachment\"}, "
                        + "\"artifacts\": [\"" + artifact + "\"]}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    private static JsonPath finished(String run) {
        return EndToEndTest.awaitTerminal(run, Duration.ofSeconds(40));
    }

    @Test
    void twentyMebibytesOfTextArtifactsAreRefusedAtCreationAndNothingIsWritten() {
        // issue 18's request: 20 text artifacts of 1 MiB on document-review took a 192 MiB worker out of memory
        var ids = new ArrayList<String>();
        byte[] mebibyte = "lorem ipsum dolor sit amet\n".repeat(40_330).substring(0, 1024 * 1024).getBytes();
        for (int i = 0; i < 20; i++) {
            ids.add(ArtifactTest.upload("part-" + i + ".txt", "text/plain", mebibyte));
        }
        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"big\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        long runs = count("runs");
        var problem = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"task\": \"review\"}, \"artifacts\": [\"" + String.join("\", \"", ids) + "\"]}")
                .post("/v1/runs/wait?timeout=30").then().statusCode(422).contentType("application/problem+json")
                .extract().jsonPath();
        assertThat(problem.getString("detail")).contains("20971520 bytes", "2097152 bytes",
                "forge.artifacts.prompt-budget-bytes");
        assertThat(count("runs")).isEqualTo(runs);
        // within the budget: two of them are fine
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", \"input\": {}, "
                + "\"artifacts\": [\"" + ids.get(0) + "\", \"" + ids.get(1) + "\"]}").post("/v1/runs").then()
                .statusCode(202);
    }

    @Test
    void aWorkerWithASmallerBudgetTruncatesWithAVisibleMarker() throws Exception {
        try (var worker = WorkerProcess.start(51198, List.of(
                "-Dforge.artifacts.prompt-budget-bytes=1000"))) {
            String text = "0123456789".repeat(300);
            String appendix = ArtifactTest.upload("appendix.txt", "text/plain", text.getBytes());
            var done = finished(run("bulk-pipeline", appendix));
            assertThat(done.getString("status")).isEqualTo("succeeded");
            String echoed = given().get("/v1/runs/" + done.getString("id") + "/checkpoints/1").then().statusCode(200)
                    .extract().jsonPath().getString("state.outputs.bulk_producer");
            assertThat(echoed).contains(text.substring(0, 1000)).doesNotContain(text.substring(0, 1001))
                    .contains("[… 2000 bytes of appendix.txt left out: over the run's artifact text budget of "
                            + "1000 bytes]");
        }
    }

    private long count(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().atMost(Duration.ofSeconds(5)).iterator()
                .next().getLong(0);
    }

    @Test
    void anUploadedDocumentDrivesTheRunAndLargeOutputsReadBackWhole() throws Exception {
        try (var worker = WorkerProcess.start(51199)) {
            // the classifier reads the uploaded contract (the input itself says nothing legal)
            String contract = ArtifactTest.upload("contract.txt", "text/plain",
                    "This Services Agreement limits each party's liability.".getBytes());
            var review = finished(run("document-review", contract));
            assertThat(review.getString("status")).isEqualTo("succeeded");
            assertThat(review.getList("route", String.class)).contains("legal_reviewer");

            // a 300 KB text artifact echoed by the first step: an output past the offload threshold
            var text = new StringBuilder();
            for (int i = 0; text.length() < 300_000; i++) {
                text.append("line ").append(i).append(" of the appendix\n");
            }
            String appendix = ArtifactTest.upload("appendix.txt", "text/plain; charset=utf-8",
                    text.toString().getBytes());
            String bulk = run("bulk-pipeline", appendix);
            assertThat(finished(bulk).getString("status")).isEqualTo("succeeded");

            // the row of step 1 (what that step changed) holds a reference, not the 300 KB
            String stored = pool.preparedQuery("SELECT state::text FROM workflow_checkpoints "
                    + "WHERE run_id = $1 AND step_index = 1").execute(Tuple.of(UUID.fromString(bulk)))
                    .await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0);
            assertThat(stored).contains(OffloadedValues.REFERENCE_FIELD).hasSizeLessThan(4_000);

            // time travel through the API resolves the reference
            String checkpoint = given().get("/v1/runs/" + bulk + "/checkpoints/1").then().statusCode(200).extract()
                    .asString();
            assertThat(checkpoint).doesNotContain(OffloadedValues.REFERENCE_FIELD)
                    .contains("line 7000 of the appendix");
            var output = given().get("/v1/runs/" + bulk + "/checkpoints/1").then().extract().jsonPath()
                    .getString("state.outputs.bulk_producer");
            assertThat(output).contains(text.toString().trim());
            String all = given().get("/v1/runs/" + bulk + "/checkpoints").then().statusCode(200).extract().asString();
            assertThat(all).doesNotContain(OffloadedValues.REFERENCE_FIELD);
            String graph = given().get("/v1/runs/" + bulk + "/graph").then().statusCode(200).extract().asString();
            assertThat(graph).doesNotContain(OffloadedValues.REFERENCE_FIELD);
            String messages = given().get("/v1/runs/" + bulk + "/messages").then().statusCode(200).extract()
                    .asString();
            assertThat(messages).doesNotContain(OffloadedValues.REFERENCE_FIELD);
        }
    }
}
