package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.core.testing.HostileInput;
import dev.forge.gateway.TestAuth;
import dev.forge.gateway.TestDb;
import dev.forge.proto.agent.v1.AgentServiceGrpc;
import dev.forge.proto.agent.v1.CancelRunRequest;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.CreateSessionRequest;
import dev.forge.proto.agent.v1.GetAssistantRequest;
import dev.forge.proto.agent.v1.GetRunRequest;
import dev.forge.proto.agent.v1.GetSessionRequest;
import dev.forge.proto.agent.v1.ListAssistantsRequest;
import dev.forge.proto.agent.v1.ListRunsRequest;
import dev.forge.proto.agent.v1.ListSessionsRequest;
import dev.forge.proto.agent.v1.StreamRunEventsRequest;
import dev.forge.proto.agent.v1.WaitRunRequest;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Generated hostile input against every gateway endpoint that reads a body, a query or a path id, and every
 * forge.agent.v1 method: NULs, lone surrogates, overlong and invalid UTF-8, trailing data, duplicate keys, deep
 * nesting, non-finite numbers, wrong types, unknown fields, bad page parameters, ids that are not ids, oversized
 * messages. Never a 5xx or INTERNAL; always problem+json (or a gRPC status naming the problem); never a row written.
 */
@QuarkusTest
class HostileInputTest {

    private static final int BODIES_PER_ENDPOINT = 40;

    @Inject
    Pool pool;

    private String assistant;
    private String session;
    private String run;

    @BeforeEach
    void setUp() {
        TestAuth.actAsAdmin();
        TestDb.reset(pool);
        assistant = given().contentType("application/json")
                .body("{\"name\": \"hostile\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        session = given().contentType("application/json").body("{\"assistant_id\": \"" + assistant + "\"}")
                .post("/v1/sessions").then().statusCode(201).extract().path("id");
        run = given().contentType("application/json").body("{\"assistant_id\": \"" + assistant + "\", \"input\": {}}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    /** Rows of every table an API call could write, and the assistants' versions (a PATCH bumps them). */
    private long rows() {
        return pool.query("SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM assistants) "
                + "+ (SELECT count(*) FROM sessions) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM jobs) "
                + "+ (SELECT count(*) FROM memories) + (SELECT count(*) FROM mcp_servers) "
                + "+ (SELECT count(*) FROM assistant_versions) + (SELECT coalesce(sum(version), 0) FROM assistants)")
                .execute().await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    private record Endpoint(String method, String path, ObjectNode valid) {
    }

    private List<Endpoint> bodyEndpoints() {
        var o = (Supplier<ObjectNode>) HostileInput::object;
        return List.of(
                new Endpoint("POST", "/v1/assistants", o.get().put("name", "h").put("flow", "document-review")),
                new Endpoint("PATCH", "/v1/assistants/" + assistant, o.get().put("name", "h2")
                        .put("description", "d")),
                new Endpoint("POST", "/v1/sessions", o.get().put("assistant_id", assistant)),
                new Endpoint("POST", "/v1/sessions/" + session + "/runs", runBody(o.get())),
                new Endpoint("POST", "/v1/runs", runBody(o.get().put("assistant_id", assistant))),
                new Endpoint("POST", "/v1/runs/stream", runBody(o.get().put("assistant_id", assistant))),
                new Endpoint("POST", "/v1/runs/wait?timeout=1", runBody(o.get().put("assistant_id", assistant))),
                new Endpoint("POST", "/v1/runs/" + run + "/fork", o.get().put("step", 0).put("new_session", true)),
                new Endpoint("POST", "/v1/runs/" + run + "/replay", o.get().put("step", 0)),
                new Endpoint("POST", "/v1/api-keys", o.get().put("name", "k").put("role", "viewer")),
                new Endpoint("POST", "/v1/memories", o.get().put("content", "c").put("assistant_id", assistant)),
                new Endpoint("POST", "/v1/memories/search", o.get().put("query", "q").put("k", 3)),
                new Endpoint("POST", "/v1/mcp/servers", o.get().put("name", "m").put("transport", "streamable_http")
                        .put("url", "http://127.0.0.1:9/mcp")));
    }

    private static ObjectNode runBody(ObjectNode body) {
        body.putObject("input").put("document", "x");
        return body;
    }

    private void refused(Response response, int expected, long before, String what) {
        int status = response.statusCode();
        assertThat(status).as("%s -> %s", what, response.asString()).isBetween(400, 499);
        if (expected != 0) {
            assertThat(status).as("%s -> %s", what, response.asString()).isEqualTo(expected);
        }
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("detail")).as(what).isNotBlank();
        assertThat(rows()).as("a refused request wrote nothing: %s", what).isEqualTo(before);
    }

    @Test
    void hostileBodiesAreRefusedWithTheRightStatusAndWriteNothing() {
        int seed = 18;
        for (var endpoint : bodyEndpoints()) {
            for (var body : HostileInput.sample(HostileInput.bodies(endpoint.valid()), seed++, BODIES_PER_ENDPOINT)) {
                long before = rows();
                var response = given().contentType("application/json").body(body.bytes())
                        .request(endpoint.method(), endpoint.path());
                refused(response, body.expected(), before, endpoint.method() + " " + endpoint.path() + " " + body);
            }
        }
    }

    @Test
    void theNamedDefectsOfIssue18AnswerAsTheRulesSay() {
        long before = rows();
        // a NUL in a filter or a name (22P05 in PostgreSQL before)
        refused(given().urlEncodingEnabled(false).get("/v1/assistants?name=%00"), 422, before, "name=%00");
        refused(given().urlEncodingEnabled(false).get("/v1/sessions?metadata=%7B%22k%22:%22%5Cu0000%22%7D"), 422,
                before, "metadata NUL");
        refused(given().contentType("application/json").body("{\"name\": \"a\\u0000b\", \"role\": \"viewer\"}")
                .post("/v1/api-keys"), 422, before, "api key name with NUL");
        // an empty body on the streaming endpoint (500 before)
        refused(given().contentType("application/json").body("").post("/v1/runs/stream"), 422, before, "empty");
        // a number that overflows (stored as the string "Infinity" before)
        refused(given().contentType("application/json").body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"n\": 1e999999}}").post("/v1/runs"), 422, before, "1e999999");
        // query numbers (404 "HTTP 404 Not Found" before)
        for (String bad : HostileInput.badNumbers()) {
            for (String path : List.of("/v1/assistants?limit=", "/v1/assistants?offset=", "/v1/sessions?limit=",
                    "/v1/runs?limit=", "/v1/artifacts?limit=", "/v1/artifacts?offset=", "/v1/api-keys?limit=",
                    "/v1/api-keys?offset=", "/v1/memories?limit=", "/v1/assistants/" + assistant + "/versions?limit=",
                    "/v1/assistants/" + assistant + "/versions?offset=")) {
                var response = given().urlEncodingEnabled(false).get(path + bad);
                refused(response, 422, before, path + bad);
                assertThat(response.jsonPath().getString("detail")).as(path + bad)
                        .contains(path.substring(path.indexOf('?') + 1, path.length() - 1));
            }
        }
        refused(given().contentType("application/json").body("{\"assistant_id\": \"" + assistant + "\"}")
                .post("/v1/runs/wait?timeout=abc"), 422, before, "timeout=abc");
        // memories name an assistant and a session of the workspace, as runs do
        var elsewhere = TestAuth.as(TestAuth.key("admin", "hostile-elsewhere"));
        String foreign = given().spec(elsewhere).contentType("application/json")
                .body("{\"name\": \"theirs\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        before = rows();
        refused(given().contentType("application/json").body("{\"content\": \"c\", \"assistant_id\": \"" + foreign
                + "\"}").post("/v1/memories"), 404, before, "another workspace's assistant");
        refused(given().contentType("application/json").body("{\"content\": \"c\", \"session_id\": \""
                + UUID.randomUUID() + "\"}").post("/v1/memories"), 404, before, "an unknown session");
        refused(given().contentType("application/json").body("{\"content\": \"c\", \"session_id\": \"s-1\"}")
                .post("/v1/memories"), 422, before, "a session id that is no id");
    }

    @Test
    void pagesAreHonouredWhereTheyWereIgnored() {
        String workspace = "paging-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            TestAuth.key("viewer", workspace);
        }
        for (int i = 0; i < 2; i++) {
            given().contentType("application/json").body("{\"description\": \"v" + i + "\"}")
                    .patch("/v1/assistants/" + assistant).then().statusCode(200);
        }
        var versions = given().get("/v1/assistants/" + assistant + "/versions").then().statusCode(200).extract()
                .jsonPath().getList("version", Integer.class);
        assertThat(versions).hasSizeGreaterThanOrEqualTo(2);
        assertThat(given().get("/v1/assistants/" + assistant + "/versions?limit=1&offset=1").then().statusCode(200)
                .extract().jsonPath().getList("version", Integer.class)).containsExactly(versions.get(1));
        var keys = given().get("/v1/api-keys?workspace_id=" + workspace).then().statusCode(200).extract().jsonPath()
                .getList("id", String.class);
        assertThat(keys).hasSize(3);
        assertThat(given().get("/v1/api-keys?limit=1&offset=1&workspace_id=" + workspace).then().statusCode(200)
                .extract().jsonPath()
                .getList("id", String.class)).containsExactly(keys.get(1));
    }

    @Test
    void idsThatAreNotIdsAreMalformedNotMissing() {
        long before = rows();
        for (String id : HostileInput.badIds()) {
            for (String base : List.of("/v1/assistants/", "/v1/sessions/", "/v1/runs/", "/v1/artifacts/",
                    "/v1/memories/", "/v1/mcp/servers/")) {
                var response = given().urlEncodingEnabled(false).get(base + id);
                String what = base + id.substring(0, Math.min(40, id.length()));
                refused(response, 0, before, what);
                if (!id.contains("%2F")) {
                    assertThat(response.statusCode()).as(what).isEqualTo(422);
                }
            }
            refused(given().urlEncodingEnabled(false).delete("/v1/runs/" + id), 0, before, "DELETE run " + id);
        }
    }

    @Test
    void grpcSharesTheRestRulesAndLimits() throws Exception {
        var channel = ManagedChannelBuilder.forAddress("127.0.0.1", 52190).usePlaintext()
                .maxInboundMessageSize(8 * 1024 * 1024).build();
        try {
            var headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + TestAuth.ADMIN_KEY);
            var stub = AgentServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            long before = rows();
            var nuls = HostileInput.sample(HostileInput.withNul(), 1818, 20);
            var calls = new ArrayList<GrpcCall>();
            for (String id : List.of("not-a-uuid", "../../etc/passwd", "", "1-1-1-1-1", nuls.get(0))) {
                calls.add(new GrpcCall("GetAssistant " + id, () -> stub.getAssistant(GetAssistantRequest.newBuilder()
                        .setId(id).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("GetSession " + id, () -> stub.getSession(GetSessionRequest.newBuilder()
                        .setId(id).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("GetRun " + id, () -> stub.getRun(GetRunRequest.newBuilder().setId(id)
                        .build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("CancelRun " + id, () -> stub.cancelRun(CancelRunRequest.newBuilder()
                        .setId(id).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("WaitRun " + id, () -> stub.waitRun(WaitRunRequest.newBuilder().setId(id)
                        .setTimeoutSeconds(1).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("StreamRunEvents " + id, () -> stub.streamRunEvents(StreamRunEventsRequest
                        .newBuilder().setRunId(id).build()).hasNext(), Status.Code.INVALID_ARGUMENT));
            }
            for (int limit : new int[] { -1, 2147483647, -2147483648 }) {
                calls.add(new GrpcCall("ListRuns limit " + limit, () -> stub.listRuns(ListRunsRequest.newBuilder()
                        .setLimit(limit).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("ListAssistants limit " + limit, () -> stub.listAssistants(
                        ListAssistantsRequest.newBuilder().setLimit(limit).build()), Status.Code.INVALID_ARGUMENT));
            }
            for (int offset : new int[] { -1, -2147483648 }) {
                calls.add(new GrpcCall("ListSessions offset " + offset, () -> stub.listSessions(ListSessionsRequest
                        .newBuilder().setOffset(offset).build()), Status.Code.INVALID_ARGUMENT));
            }
            for (String nul : nuls) {
                calls.add(new GrpcCall("CreateAssistant name NUL", () -> stub.createAssistant(CreateAssistantRequest
                        .newBuilder().setName(nul).setFlow("document-review").build()),
                        Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("ListAssistants name NUL", () -> stub.listAssistants(ListAssistantsRequest
                        .newBuilder().setName(nul).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("ListSessions status NUL", () -> stub.listSessions(ListSessionsRequest
                        .newBuilder().setStatus(nul).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("CreateSession metadata key NUL", () -> stub.createSession(
                        CreateSessionRequest.newBuilder().setAssistantId(assistant).setMetadata(Struct.newBuilder()
                                .putFields(nul, Value
                                .newBuilder().setStringValue("v").build())).build()), Status.Code.INVALID_ARGUMENT));
                calls.add(new GrpcCall("CreateRun input NUL", () -> stub.createRun(CreateRunRequest.newBuilder()
                        .setAssistantId(assistant).setInput(struct("document", Value.newBuilder().setStringValue(nul)
                                .build())).build()), Status.Code.INVALID_ARGUMENT));
            }
            calls.add(new GrpcCall("CreateRun NaN", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("n", Value.newBuilder().setNumberValue(Double.NaN)
                            .build())).build()), Status.Code.INVALID_ARGUMENT));
            calls.add(new GrpcCall("CreateRun Infinity", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("n", Value.newBuilder()
                            .setNumberValue(Double.POSITIVE_INFINITY).build())).build()),
                    Status.Code.INVALID_ARGUMENT));
            // 40 lists deep: past the JSON depth limit, within protobuf's own limit of 100 message levels
            Value nested = nested(40);
            calls.add(new GrpcCall("CreateRun deep", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("deep", nested)).build()),
                    Status.Code.INVALID_ARGUMENT));
            // the REST body limit (64 KiB in tests) holds for gRPC messages too
            String big = "x".repeat(3 * 1024 * 1024);
            calls.add(new GrpcCall("CreateRun 3 MB", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("document", Value.newBuilder().setStringValue(big)
                            .build())).build()), Status.Code.RESOURCE_EXHAUSTED));
            calls.add(new GrpcCall("CreateRun 100 kB", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("document", Value.newBuilder()
                            .setStringValue("y".repeat(100_000)).build())).build()), Status.Code.RESOURCE_EXHAUSTED));
            // past protobuf's limit the parser refuses the message before any interceptor sees it, and grpc-java
            // answers UNKNOWN (README, "Security model"): never INTERNAL, nothing written
            Value deeper = nested(80);
            var tooDeep = new GrpcCall("CreateRun deeper", () -> stub.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant).setInput(struct("deep", deeper)).build()), null).code();
            assertThat(tooDeep).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.UNKNOWN);
            for (var call : calls) {
                var code = call.code();
                assertThat(code).as(call.what()).isEqualTo(call.expected());
                assertThat(rows()).as("a refused %s wrote nothing", call.what()).isEqualTo(before);
            }
        } finally {
            channel.shutdownNow();
        }
    }

    private record GrpcCall(String what, Runnable call, Status.Code expected) {
        Status.Code code() {
            try {
                call.run();
                return Status.Code.OK;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode();
            }
        }
    }

    private static Value nested(int lists) {
        Value value = Value.newBuilder().setStringValue("bottom").build();
        for (int i = 0; i < lists; i++) {
            value = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(value)).build();
        }
        return value;
    }

    private static Struct struct(String key, Value value) {
        return Struct.newBuilder().putFields(key, value).build();
    }
}
