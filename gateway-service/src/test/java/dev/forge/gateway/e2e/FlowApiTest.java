package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.flow.FlowCatalog;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Flows through the API: made, checked, versioned and deleted per workspace, with every problem and its line, and run
 * by a worker that has no file of them (it loads the pinned version from PostgreSQL).
 */
@QuarkusTest
class FlowApiTest {

    private static final String YAML = "application/yaml";

    @Inject
    Pool pool;

    @Inject
    FlowCatalog catalog;

    @BeforeEach
    void auth() {
        // YAML bodies go as the text they are
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs(YAML, ContentType.TEXT));
        TestAuth.actAsAdmin();
    }

    private static String flow(String name, String lastPrompt) {
        return """
                name: %s
                description: Summarise a ticket, then answer it
                routing_policy: sequential
                timeout: 60s
                executors:
                  - id: summarize
                    type: llm
                    model: claude-sonnet-4-5-20250929
                    prompt: "Summarise this support ticket in two sentences: {{input.ticket}}"
                  - id: answer
                    type: llm
                    model: claude-haiku-4-5
                    prompt: "%s {{message}}"
                """.formatted(name, lastPrompt);
    }

    private long rows(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }

    @Test
    void aFlowMadeThroughTheApiRunsOnAWorkerThatHasNoFileOfIt() throws Exception {
        String name = "api-triage-" + UUID.randomUUID().toString().substring(0, 8);
        var created = given().contentType(YAML).body(flow(name, "Make this reply friendly:")).post("/v1/flows")
                .then().statusCode(201).header("Location", org.hamcrest.Matchers.endsWith("/v1/flows/" + name)).body("origin", equalTo("workspace"))
                .body("version_number", equalTo(1)).body("executors.id", hasItems("summarize", "answer")).extract()
                .jsonPath();
        String v1 = created.getString("version");
        given().get("/v1/flows").then().statusCode(200).body("name", hasItems(name, "document-review"))
                .body("find { it.name == 'document-review' }.origin", equalTo("system"));
        given().get("/v1/flows/" + name + "/versions/" + v1 + "/source").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith(YAML)).body(equalTo(flow(name, "Make this reply friendly:")));

        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"api flow\", \"flow\": \"" + name + "\"}").post("/v1/assistants").then()
                .statusCode(201).body("flow.version", equalTo(v1)).extract().path("id");

        // version 2; the assistant keeps version 1 until it is re-pinned
        String v2 = given().contentType(YAML).body(flow(name, "Make this reply short:")).put("/v1/flows/" + name)
                .then().statusCode(200).body("version_number", equalTo(2)).extract().path("version");
        assertThat(v2).isNotEqualTo(v1);
        given().get("/v1/flows/" + name + "/versions").then().statusCode(200)
                .body("number", org.hamcrest.Matchers.contains(2, 1))
                .body("current", org.hamcrest.Matchers.contains(true, false));
        given().get("/v1/flows/" + name).then().body("version", equalTo(v2));

        try (var worker = WorkerProcess.start(51187)) {
            String run = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                    + "\", \"input\": {\"ticket\": \"The export button does nothing.\"}}").post("/v1/runs").then()
                    .statusCode(202).extract().path("id");
            JsonPath done = EndToEndTest.awaitTerminal(run, Duration.ofSeconds(60));
            assertThat(done.getString("status")).as(done.prettify()).isEqualTo("succeeded");
            assertThat(done.getString("flow.version")).isEqualTo(v1);
            assertThat(done.getList("route", String.class)).containsExactly("summarize", "answer");
        }

        // in use by the assistant: not deleted; once the assistant is gone, it is
        given().delete("/v1/flows/" + name).then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("/flow-in-use"));
        given().delete("/v1/assistants/" + assistant).then().statusCode(204);
        given().delete("/v1/flows/" + name).then().statusCode(204);
        given().get("/v1/flows/" + name).then().statusCode(404);
        given().get("/v1/flows").then().body("name", not(hasItem(name)));
    }

    @Test
    void anAssistantFollowsTheLatestVersionOrPinsOne() {
        String name = "versioned-" + UUID.randomUUID().toString().substring(0, 8);
        String v1 = given().contentType(YAML).body(flow(name, "One:")).post("/v1/flows").then().statusCode(201)
                .extract().path("version");
        String following = given().contentType(ContentType.JSON).body("{\"name\": \"follows\", \"flow\": \"" + name
                + "\", \"flow_version\": \"latest\"}").post("/v1/assistants").then().statusCode(201)
                .body("flow.follows_latest", equalTo(true)).extract().path("id");
        String v2 = given().contentType(YAML).body(flow(name, "Two:")).put("/v1/flows/" + name).then()
                .statusCode(200).extract().path("version");
        String pinned = given().contentType(ContentType.JSON).body("{\"name\": \"pins\", \"flow\": \"" + name
                + "\", \"flow_version\": \"" + v1 + "\"}").post("/v1/assistants").then().statusCode(201)
                .body("flow.version", equalTo(v1)).body("flow.follows_latest", equalTo(false)).extract().path("id");
        // each run pins what its assistant says: the version current now, or the one pinned
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + following + "\"}").post("/v1/runs")
                .then().statusCode(202).body("flow.version", equalTo(v2));
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + pinned + "\"}").post("/v1/runs")
                .then().statusCode(202).body("flow.version", equalTo(v1));
        // a version that is not this flow's, and another workspace's flow version, are refused
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"flow\": \"" + name
                + "\", \"flow_version\": \"nope\"}").post("/v1/assistants").then().statusCode(422);
        var other = TestAuth.as(TestAuth.key("developer", "flows-versions-elsewhere"));
        given().spec(other).contentType(YAML).body(flow(name, "Theirs:")).post("/v1/flows").then().statusCode(201);
        given().spec(other).contentType(ContentType.JSON).body("{\"name\": \"x\", \"flow\": \"" + name
                + "\", \"flow_version\": \"" + v1 + "\"}").post("/v1/assistants").then().statusCode(422);
    }

    /** Versions loaded from PostgreSQL stay parsed in memory up to a bound; older ones are parsed again on demand. */
    @Test
    void loadedVersionsStayBoundedAndEvictedOnesLoadAgain() {
        String name = "many-versions-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(YAML).body(flow(name, "Version 0:")).post("/v1/flows").then().statusCode(201);
        var versions = new ArrayList<String>();
        for (int i = 1; i <= 12; i++) {
            versions.add(given().contentType(YAML).body(flow(name, "Version " + i + ":")).put("/v1/flows/" + name)
                    .then().statusCode(200).extract().path("version"));
        }
        // each source read resolves its version through the catalog, as a run pinning it would
        for (String version : versions) {
            given().get("/v1/flows/" + name + "/versions/" + version + "/source").then().statusCode(200);
        }
        assertThat(catalog.loadedVersions()).isLessThanOrEqualTo(8);
        given().get("/v1/flows/" + name + "/versions/" + versions.get(0) + "/source").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("Version 1:"));
    }

    @Test
    void everyProblemComesWithItsLineAndNothingIsSaved() {
        long before = rows("workspace_flows");
        String broken = """
                name: broken-flow
                routing_policy: message_driven
                executors:
                  - id: first
                    type: llm
                    model: claude-sonnet-4-5-20250929
                    prompt: "hi"
                    targets: [nowhere]
                  - id: second
                    type: teleport
                  - id: check
                    type: conditional
                    condition: "input.x >"
                    targets: [first]
                """;
        var problem = given().contentType(YAML).body(broken).post("/v1/flows").then().statusCode(422)
                .contentType("application/problem+json").body("type", org.hamcrest.Matchers.endsWith("/invalid-flow"))
                .extract().jsonPath();
        var lines = problem.getList("problems.line", Integer.class);
        var executors = problem.getList("problems.executor", String.class);
        assertThat(problem.getList("problems")).hasSizeGreaterThanOrEqualTo(3);
        // the unknown target is on line 8 of the body, the unknown type on line 10
        assertThat(lines).contains(8, 10);
        assertThat(executors).contains("first", "second");
        assertThat(problem.getList("errors", String.class)).anyMatch(e -> e.startsWith("line 8: executor 'first'"));
        // the dry run says the same and saves nothing either
        given().contentType(YAML).body(broken).post("/v1/flows/validate").then().statusCode(422)
                .body("problems.line", hasItems(8, 10));
        given().contentType(YAML).body(flow("fine-flow", "ok")).post("/v1/flows/validate").then().statusCode(200)
                .body("name", equalTo("fine-flow"));
        // hostile bodies: bad UTF-8, NUL, empty, a YAML alias bomb — a 4xx, never a 5xx, nothing written
        given().contentType(YAML).body(new byte[] { 'n', 'a', (byte) 0xC3, '\n' }).post("/v1/flows").then()
                .statusCode(400).contentType("application/problem+json");
        given().contentType(YAML).body("name: a\u0000b\nexecutors: []\n").post("/v1/flows").then().statusCode(422);
        given().contentType(YAML).body("").post("/v1/flows").then().statusCode(422);
        given().contentType(YAML).body("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\n"
                + "f: &f [*e, *e]\ng: &g [*f, *f]\nh: &h [*g, *g]\ni: &i [*h, *h]\nj: &j [*i, *i]\nk: [*j, *j]\n")
                .post("/v1/flows").then().statusCode(422);
        assertThat(rows("workspace_flows")).isEqualTo(before);
    }

    @Test
    void namesBelongToOneWorkspaceAndSystemFlowsStayTheDeploymentsOwn() {
        String name = "shared-name-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(YAML).body(flow(name, "A:")).post("/v1/flows").then().statusCode(201);
        given().contentType(YAML).body(flow(name, "B:")).post("/v1/flows").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("/flow-name-taken"));
        given().contentType(YAML).body(flow("document-review", "C:")).post("/v1/flows").then().statusCode(409);
        given().contentType(YAML).body(flow("document-review", "C:")).put("/v1/flows/document-review").then()
                .statusCode(409).body("type", org.hamcrest.Matchers.endsWith("/system-flow"));
        given().delete("/v1/flows/document-review").then().statusCode(409);
        // a source that names another flow is not a version of this one
        given().contentType(YAML).body(flow("other-name", "D:")).put("/v1/flows/" + name).then().statusCode(422);

        // another workspace neither sees ours nor collides with it; readers cannot write
        var other = TestAuth.as(TestAuth.key("developer", "flows-elsewhere"));
        given().spec(other).get("/v1/flows/" + name).then().statusCode(404);
        given().spec(other).get("/v1/flows").then().body("name", not(hasItem(name)));
        given().spec(other).contentType(YAML).body(flow(name, "E:")).post("/v1/flows").then().statusCode(201)
                .body("version_number", equalTo(1));
        var viewer = TestAuth.as(TestAuth.key("viewer", "flows-elsewhere"));
        given().spec(viewer).get("/v1/flows/" + name).then().statusCode(200);
        given().spec(viewer).contentType(YAML).body(flow(name, "F:")).put("/v1/flows/" + name).then()
                .statusCode(403);
        // JSON is YAML too
        given().contentType(ContentType.JSON).body("{\"name\": \"json-" + name + "\", \"executors\": [{\"id\": "
                + "\"only\", \"type\": \"llm\", \"model\": \"claude-haiku-4-5\", \"prompt\": \"hi\"}]}")
                .post("/v1/flows").then().statusCode(201).body("executors.id", hasItem("only"));
    }
}
