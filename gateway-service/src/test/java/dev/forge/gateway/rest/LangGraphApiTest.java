package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.GrpcCalls;
import dev.forge.gateway.TestAuth;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.GetSessionRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The LangGraph API under /lg and what it changed in Forge's own: a thread is a session no run has bound yet (the
 * first run binds it, through either API), x-api-key authenticates like Bearer, refusals are problem+json. The
 * official JS client's own suite is langgraph-e2e.
 */
@QuarkusTest
class LangGraphApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @GrpcClient("agent")
    AgentService client;

    private String assistant;

    @BeforeEach
    void setUp() {
        TestAuth.actAsAdmin();
        assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"lg-bind\", \"flow\": \"support-triage\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
    }

    private static String thread() {
        return given().header("x-api-key", TestAuth.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"metadata\": {\"suite\": \"lg-api\"}}").post("/lg/threads").then().statusCode(200)
                .body("status", equalTo("idle")).extract().path("thread_id");
    }

    @Test
    void aThreadIsAnUnboundSessionThatItsFirstRunBinds() {
        String thread = thread();
        given().get("/v1/sessions/" + thread).then().statusCode(200).body("assistant_id", nullValue());
        // over gRPC too: an unbound session has no assistant id (empty), not an error
        var session = GrpcCalls.withKey(client, TestAuth.ADMIN_KEY)
                .getSession(GetSessionRequest.newBuilder().setId(thread).build()).await().atMost(WAIT);
        assertThat(session.getAssistantId()).isEmpty();

        // a run must name its assistant while the session has none
        given().contentType(ContentType.JSON).body("{\"input\": {\"ticket\": \"x\"}}")
                .post("/v1/sessions/" + thread + "/runs").then().statusCode(422)
                .body("detail", containsString("has no assistant yet"));
        given().get("/v1/sessions/" + thread + "/runs").then().statusCode(200).body("size()", equalTo(0));

        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"ticket\": \"x\"}}").post("/v1/sessions/" + thread + "/runs").then()
                .statusCode(202);
        given().get("/v1/sessions/" + thread).then().statusCode(200).body("assistant_id", equalTo(assistant));

        // bound: another assistant is refused, and runs without one use the session's
        String other = given().contentType(ContentType.JSON)
                .body("{\"name\": \"lg-other\", \"flow\": \"support-triage\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + other + "\", \"input\": {}}")
                .post("/v1/sessions/" + thread + "/runs").then().statusCode(422)
                .body("detail", containsString("belongs to assistant " + assistant));
        given().contentType(ContentType.JSON).body("{\"input\": {\"ticket\": \"y\"}}")
                .post("/v1/sessions/" + thread + "/runs").then().statusCode(202)
                .body("assistant_id", equalTo(assistant));
    }

    @Test
    void concurrentFirstRunsBindTheSessionOnce() throws Exception {
        // eight first runs at once, each naming another assistant: one binds the session, the others are refused
        var assistants = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            assistants.add(given().contentType(ContentType.JSON).body("{\"name\": \"lg-race-" + i
                    + "\", \"flow\": \"support-triage\"}").post("/v1/assistants").then().statusCode(201)
                    .extract().<String>path("id"));
        }
        String thread = thread();
        var spec = TestAuth.as(TestAuth.ADMIN_KEY);
        var pool = Executors.newFixedThreadPool(8);
        try {
            var answers = new ArrayList<Future<Integer>>();
            for (String a : assistants) {
                answers.add(pool.submit(() -> given().spec(spec).contentType(ContentType.JSON)
                        .body("{\"assistant_id\": \"" + a + "\", \"input\": {\"ticket\": \"x\"}}")
                        .post("/v1/sessions/" + thread + "/runs").then().extract().statusCode()));
            }
            var codes = new ArrayList<Integer>();
            for (var answer : answers) {
                codes.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(codes).containsOnly(202, 422);
            assertThat(codes.stream().filter(c -> c == 202).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        String bound = given().get("/v1/sessions/" + thread).then().extract().path("assistant_id");
        String run = given().get("/v1/sessions/" + thread + "/runs").then().statusCode(200)
                .body("size()", equalTo(1)).extract().path("[0].id");
        given().get("/v1/runs/" + run).then().statusCode(200).body("assistant_id", equalTo(bound));
    }

    @Test
    void keysInEitherHeaderAndRefusalsAsProblems() {
        given().header("Authorization", "").get("/lg/threads/" + thread()).then().statusCode(401)
                .contentType(containsString("problem+json"));
        given().header("x-api-key", "wrong-key-0123456789").header("Authorization", "")
                .post("/lg/threads/search").then().statusCode(401);
        String viewer = TestAuth.key("viewer", "default");
        given().header("Authorization", "").header("x-api-key", viewer).contentType(ContentType.JSON).body("{}")
                .post("/lg/threads").then().statusCode(403).body("detail", containsString("viewer"));
        given().header("Authorization", "").header("x-api-key", viewer).contentType(ContentType.JSON).body("{}")
                .post("/lg/threads/search").then().statusCode(200);
        // nothing written by a refused request
        long before = given().contentType(ContentType.JSON).body("{}").post("/lg/threads/count").then()
                .statusCode(200).extract().as(Long.class);
        for (String body : new String[] { "{\"metadata\": {}} x", "{\"metadata\": 5}", "{\"thread_id\": \"nope\"}",
                "{\"ttl\": {\"strategy\": \"delete\", \"ttl\": 5}}", "{\"metadata\": {\"a\": \"\\u0000\"}}" }) {
            given().contentType(ContentType.JSON).body(body).post("/lg/threads").then()
                    .statusCode(org.hamcrest.Matchers.both(org.hamcrest.Matchers.greaterThanOrEqualTo(400))
                            .and(org.hamcrest.Matchers.lessThan(500)))
                    .contentType(containsString("problem+json"));
        }
        given().contentType(ContentType.JSON).body("{}").post("/lg/threads/count").then().statusCode(200)
                .body(equalTo(Long.toString(before)));
        given().get("/lg/nothing-here").then().statusCode(404).contentType(containsString("problem+json"));
        given().contentType(ContentType.JSON).body("{\"metadata\": {\"big\": \"" + "x".repeat(1_100_000) + "\"}}")
                .post("/lg/threads").then().statusCode(413).contentType(containsString("problem+json"));
        given().post("/lg/store/items/search").then().statusCode(404).body("detail", containsString("memories"));
    }

    @Test
    void aRunOnAThreadIsAForgeRunInItsSession() {
        // no worker in this JVM: the run is created and stays pending (langgraph-e2e runs them)
        String thread = thread();
        String location = given().header("x-api-key", TestAuth.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"support-triage\", \"input\": {\"ticket\": \"printer on fire\"}, "
                        + "\"interrupt_before\": [\"polish\"]}")
                .post("/lg/threads/" + thread + "/runs").then().statusCode(200)
                .header("Content-Location", containsString("/threads/" + thread + "/runs/"))
                .body("status", equalTo("pending")).body("thread_id", equalTo(thread))
                .body("kwargs.interrupt_before[0]", equalTo("polish")).extract().header("Content-Location");
        String runId = location.substring(location.lastIndexOf('/') + 1);
        // the graph's name named its default assistant, which now binds the session
        given().get("/v1/runs/" + runId).then().statusCode(200).body("session_id", equalTo(thread))
                .body("flow.name", equalTo("support-triage")).body("overrides.interrupt_before[0]", equalTo("polish"));
        String bound = given().get("/v1/sessions/" + thread).then().statusCode(200).extract().path("assistant_id");
        given().get("/v1/assistants/" + bound).then().statusCode(200).body("metadata.created_by", equalTo("system"));
        given().get("/lg/threads/" + thread + "/runs").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].run_id", equalTo(runId));
        // a command answers a waiting run: none waits here
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"support-triage\", \"command\": "
                + "{\"resume\": 1}}").post("/lg/threads/" + thread + "/runs").then().statusCode(409);
        given().post("/lg/threads/" + thread + "/runs/" + runId + "/cancel").then().statusCode(204);
        given().get("/lg/threads/" + thread + "/runs/" + runId).then().statusCode(200)
                .body("status", equalTo("interrupted"));
    }
}
