package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Long-term memory with real all-MiniLM-L6-v2 embeddings: the REST API, semantic search on the plain path,
 * workspace isolation, retention, and an llm executor whose recalled memories change a run's output.
 */
@QuarkusTest
class MemoryTest {

    @Inject
    Pool pool;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static String put(RequestSpecification as, String namespace, String content) {
        return given().spec(as).contentType(ContentType.JSON)
                .body("{\"content\": \"" + content + "\", \"assistant_id\": \"" + namespace + "\", "
                        + "\"metadata\": {\"source\": \"test\"}}")
                .post("/v1/memories").then().statusCode(201).extract().path("id");
    }

    private static JsonPath search(RequestSpecification as, String query, String namespace, int k) {
        return given().spec(as).contentType(ContentType.JSON)
                .body("{\"query\": \"" + query + "\", \"k\": " + k
                        + (namespace == null ? "" : ", \"assistant_id\": \"" + namespace + "\"") + "}")
                .post("/v1/memories/search").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void searchFindsTheMostSimilarMemoryAndWorkspacesNeverSeeEachOther() {
        var admin = TestAuth.as(TestAuth.ADMIN_KEY);
        // a memory's namespace is an assistant of the caller's workspace
        String ours = assistant(admin);
        String teal = put(admin, ours, "The customer's favourite colour is teal.");
        put(admin, ours, "Our office is in Lisbon, near the river.");
        put(admin, ours, "Quarterly revenue grew fourteen percent.");
        var other = TestAuth.as(TestAuth.key("developer", "memory-elsewhere"));
        String theirsAssistant = assistant(other);
        put(other, theirsAssistant, "The customer's favourite colour is crimson.");
        // another workspace's assistant is not a namespace to write into
        given().spec(other).contentType(ContentType.JSON).body("{\"content\": \"x\", \"assistant_id\": \"" + ours
                + "\"}").post("/v1/memories").then().statusCode(404);

        var found = search(admin, "Which color does the client like best?", ours, 3);
        assertThat(found.getString("index")).isEqualTo("plain");
        assertThat(found.getList("results.content", String.class)).hasSize(3)
                .first().isEqualTo("The customer's favourite colour is teal.");
        assertThat(found.getDouble("results[0].score")).isGreaterThan(found.getDouble("results[1].score"));
        assertThat(found.getString("results[0].metadata.source")).isEqualTo("test");
        assertThat(search(admin, "Where is the office?", ours, 1).getString("results[0].content"))
                .contains("Lisbon");

        // the other workspace sees only its own memory, and cannot reach ours by id
        var theirs = search(other, "Which color does the client like best?", theirsAssistant, 5);
        assertThat(theirs.getList("results.content", String.class))
                .containsExactly("The customer's favourite colour is crimson.");
        assertThat(search(other, "Which color does the client like best?", ours, 5).getList("results")).isEmpty();
        given().spec(other).get("/v1/memories/" + teal).then().statusCode(404);
        given().spec(other).delete("/v1/memories/" + teal).then().statusCode(404);

        // deleted: gone from get and search
        given().get("/v1/memories/" + teal).then().statusCode(200).body("content", equalTo(
                "The customer's favourite colour is teal."));
        given().delete("/v1/memories/" + teal).then().statusCode(204);
        given().get("/v1/memories/" + teal).then().statusCode(404);
        assertThat(search(admin, "Which color does the client like best?", ours, 3)
                .getList("results.id", String.class)).doesNotContain(teal).hasSize(2);
    }

    @Test
    void rolesAndBadInput() {
        var viewer = TestAuth.as(TestAuth.key("viewer", "default"));
        given().spec(viewer).contentType(ContentType.JSON).body("{\"content\": \"x\"}").post("/v1/memories").then()
                .statusCode(403);
        search(viewer, "anything", null, 1);
        for (String bad : List.of("{}", "{\"content\": \"\"}", "{\"content\": \"x\", \"ttl_seconds\": -1}",
                "{\"content\": \"x\", \"colour\": \"teal\"}", "{\"content\": \"x\", \"metadata\": [1]}")) {
            given().contentType(ContentType.JSON).body(bad).post("/v1/memories").then().statusCode(422)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"k\": 0}").post("/v1/memories/search").then()
                .statusCode(422);
        given().contentType(ContentType.JSON).body("{\"content\": \"" + "x".repeat(8001) + "\"}")
                .post("/v1/memories").then().statusCode(422);
    }

    @Test
    void retentionRemovesExpiredMemoriesAndTheOldestBeyondTheNamespaceLimit() {
        var admin = TestAuth.as(TestAuth.ADMIN_KEY);
        String prune = assistant(admin);
        String ttl = assistant(admin);
        // the test profile keeps 5 per namespace
        for (int i = 1; i <= 7; i++) {
            put(admin, prune, "note number " + i);
        }
        String fleeting = given().contentType(ContentType.JSON)
                .body("{\"content\": \"a fleeting thought\", \"assistant_id\": \"" + ttl + "\", \"ttl_seconds\": 1}")
                .post("/v1/memories").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var left = given().get("/v1/memories?assistant_id=" + prune).then().statusCode(200).extract().jsonPath()
                    .getList("content", String.class);
            assertThat(left).containsExactly("note number 7", "note number 6", "note number 5", "note number 4",
                    "note number 3");
        });
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(pool.preparedQuery(
                "SELECT count(*) FROM memories WHERE id = $1::uuid").execute(Tuple.of(fleeting)).await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isZero());
        given().get("/v1/memories/" + fleeting).then().statusCode(404);
        assertThat(search(admin, "a fleeting thought", ttl, 3).getList("results")).isEmpty();
    }

    @Test
    void recalledMemoriesChangeARunsOutputAndTheOutputIsRemembered() throws Exception {
        var admin = TestAuth.as(TestAuth.ADMIN_KEY);
        String remembering = assistant();
        String forgetful = assistant();
        put(admin, remembering, "The customer's favourite colour is teal.");
        put(admin, remembering, "The customer prefers short answers.");
        put(admin, remembering, "Invoices are sent on the first Monday of the month.");
        String question = "Which colour should the banner use for this customer?";
        try (var worker = WorkerProcess.start(51186)) {
            var withMemory = EndToEndTest.awaitTerminal(run(remembering, question), Duration.ofSeconds(60));
            assertThat(withMemory.getString("status")).as(withMemory.prettify()).isEqualTo("succeeded");
            assertThat(withMemory.getString("output")).contains("favourite colour is teal")
                    .doesNotContain("Invoices");
            var without = EndToEndTest.awaitTerminal(run(forgetful, question), Duration.ofSeconds(60));
            assertThat(without.getString("status")).isEqualTo("succeeded");
            assertThat(without.getString("output")).doesNotContain("teal");

            // the answer was remembered in the assistant's namespace, once, tagged with its run
            String runId = withMemory.getString("id");
            var stored = given().get("/v1/memories?assistant_id=" + remembering).then().statusCode(200).extract()
                    .jsonPath();
            assertThat(stored.getList("findAll { it.metadata.run_id == '" + runId + "' }.content", String.class))
                    .singleElement().asString().contains("teal");
        }
    }

    private static String assistant() {
        return assistant(TestAuth.as(TestAuth.ADMIN_KEY));
    }

    private static String assistant(RequestSpecification as) {
        return given().spec(as).contentType(ContentType.JSON)
                .body("{\"name\": \"memory\", \"flow\": \"memory-recall\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
    }

    private static String run(String assistant, String question) {
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"question\": \"" + question + "\"}}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }
}
