package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

import dev.forge.core.mcp.TestMcpServer;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The MCP server registry end to end: real MCP SDK servers (Streamable HTTP in this JVM, stdio started by the
 * worker), registered over REST, tested, their tools discovered and called from flows by a worker process.
 */
@QuarkusTest
class McpRegistryTest {

    private static final int MCP_PORT = 51393;
    private static final String TOKEN = "mcp-bearer-9c1e77d0";
    private static TestMcpServer mcp;

    @Inject
    Pool pool;

    @BeforeAll
    static void startMcp() throws Exception {
        mcp = TestMcpServer.http(MCP_PORT, TOKEN);
    }

    @AfterAll
    static void stopMcp() throws Exception {
        if (mcp != null) {
            mcp.close();
        }
    }

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    /** Registered servers would be health-checked every second for the rest of the suite (stdio: a JVM each time). */
    @AfterEach
    void forgetServers() {
        pool.query("DELETE FROM mcp_servers").execute().await().atMost(Duration.ofSeconds(5));
    }

    private static String register(RequestSpecification as, String body) {
        return given().spec(as).contentType(ContentType.JSON).body(body).post("/v1/mcp/servers").then()
                .statusCode(201).extract().path("id");
    }

    private static String calcBody(String name) {
        return """
                {"name": "%s", "transport": "streamable_http", "url": "http://127.0.0.1:%d/mcp",
                 "auth": {"header": "Authorization", "value": "Bearer %s"}}""".formatted(name, MCP_PORT, TOKEN);
    }

    private static JsonPath awaitTerminal(RequestSpecification as, String run) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String status = given().spec(as).get("/v1/runs/" + run).then().statusCode(200).extract().path("status");
            return !status.equals("pending") && !status.equals("running");
        });
        return given().spec(as).get("/v1/runs/" + run).then().extract().jsonPath();
    }

    private static String run(RequestSpecification as, String flow, String input) {
        String assistant = given().spec(as).contentType(ContentType.JSON)
                .body("{\"name\": \"mcp\", \"flow\": \"" + flow + "\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        return given().spec(as).contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": " + input + "}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    @Test
    void registeredServersToolsAreDiscoveredAndCalledFromFlowsAndTheSecretNeverComesBack() throws Exception {
        var admin = TestAuth.as(TestAuth.ADMIN_KEY);
        String id = register(admin, calcBody("calc"));

        // the secret is sealed at rest and never returned
        var shown = given().get("/v1/mcp/servers/" + id).then().statusCode(200).extract().asString();
        assertThat(shown).doesNotContain(TOKEN).contains("\"configured\":true");
        assertThat(given().get("/v1/mcp/servers").then().statusCode(200).extract().asString()).doesNotContain(TOKEN);
        var stored = pool.preparedQuery("SELECT auth_secret FROM mcp_servers WHERE id = $1::uuid")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getBuffer(0).getBytes();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);

        // test connection, discovery
        given().post("/v1/mcp/servers/" + id + "/test").then().statusCode(200).body("ok", equalTo(true))
                .body("server_info.name", equalTo("forge-test-mcp")).body("tool_count", equalTo(3));
        var tools = given().get("/v1/mcp/servers/" + id + "/tools?refresh=true").then().statusCode(200).extract()
                .jsonPath();
        assertThat(tools.getList("tools.name", String.class))
                .containsExactlyInAnyOrder("mcp:calc/add", "mcp:calc/shout", "mcp:calc/fail");
        assertThat(tools.getString("source")).isEqualTo("live");
        given().get("/v1/mcp/servers/" + id).then().body("status", equalTo("healthy"));

        try (var worker = WorkerProcess.start(51185)) {
            // a tool executor and the tool-call loop, both through the registry
            String run = run(admin, "mcp-tools", "{\"a\": 19, \"b\": 23}");
            var done = awaitTerminal(admin, run);
            assertThat(done.getString("status")).as(done.prettify()).isEqualTo("succeeded");
            var steps = given().get("/v1/runs/" + run + "/checkpoints").then().statusCode(200).extract().jsonPath();
            assertThat(steps.getDouble("[-1].state.outputs.adder.sum")).isEqualTo(42.0);
            assertThat(done.getString("output")).isEqualTo("The server said: THE SUM IS 42.0");

            // the same flow in a workspace without that server: the tool is unknown there
            var other = TestAuth.as(TestAuth.key("admin", "mcp-elsewhere"));
            given().spec(other).get("/v1/mcp/servers").then().statusCode(200).body("size()", equalTo(0));
            given().spec(other).get("/v1/mcp/servers/" + id).then().statusCode(404);
            var refused = awaitTerminal(other, run(other, "mcp-tools", "{\"a\": 1, \"b\": 2}"));
            assertThat(refused.getString("status")).isEqualTo("failed");
            assertThat(refused.getString("error.type")).isEqualTo("tool_unknown_tool");
            assertThat(refused.getString("error.message")).contains("no MCP server named 'calc'");

            // stdio: the worker starts the server as its child process
            String java = ProcessHandle.current().info().command().orElse("java");
            register(admin, """
                    {"name": "local", "transport": "stdio", "command": %s,
                     "args": ["-cp", %s, "%s"]}""".formatted(quote(java), quote(dev.forge.core.testing.ReadableClasspath.get()),
                    TestMcpServer.class.getName()));
            var stdio = awaitTerminal(admin, run(admin, "mcp-stdio", "{\"a\": 40, \"b\": 2.5}"));
            assertThat(stdio.getString("status")).as(stdio.prettify()).isEqualTo("succeeded");
            assertThat(stdio.getDouble("output.sum")).isEqualTo(42.5);
        }
    }

    @Test
    void healthFollowsTheServerAndAWrongSecretIsUnhealthy() throws Exception {
        String id = register(TestAuth.as(TestAuth.ADMIN_KEY), calcBody("health-probe"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/v1/mcp/servers/" + id).then()
                .body("status", equalTo("healthy")));

        mcp.close();
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/v1/mcp/servers/" + id).then()
                    .body("status", equalTo("unhealthy")));
            given().post("/v1/mcp/servers/" + id + "/test").then().statusCode(200).body("ok", equalTo(false));
            given().get("/v1/mcp/servers/" + id + "/tools?refresh=true").then().statusCode(502)
                    .contentType("application/problem+json");
        } finally {
            mcp = TestMcpServer.http(MCP_PORT, TOKEN);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/v1/mcp/servers/" + id).then()
                .body("status", equalTo("healthy")));

        // a changed secret that the server refuses
        given().contentType(ContentType.JSON).body("{\"auth\": {\"header\": \"Authorization\", \"value\": "
                + "\"Bearer wrong\"}}").patch("/v1/mcp/servers/" + id).then().statusCode(200)
                .body("status", equalTo("unknown"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/v1/mcp/servers/" + id).then()
                .body("status", equalTo("unhealthy")));
        given().delete("/v1/mcp/servers/" + id).then().statusCode(204);
        given().get("/v1/mcp/servers/" + id).then().statusCode(404);
    }

    @Test
    void rolesAndBadInput() {
        String id = register(TestAuth.as(TestAuth.ADMIN_KEY), calcBody("roles-probe"));
        var operator = TestAuth.as(TestAuth.key("operator", "default"));
        given().spec(operator).get("/v1/mcp/servers/" + id).then().statusCode(200);
        given().spec(operator).post("/v1/mcp/servers/" + id + "/test").then().statusCode(200);
        given().spec(operator).contentType(ContentType.JSON).body(calcBody("by-operator")).post("/v1/mcp/servers")
                .then().statusCode(403);
        given().spec(operator).delete("/v1/mcp/servers/" + id).then().statusCode(403);
        for (String role : List.of("developer", "viewer")) {
            given().spec(TestAuth.as(TestAuth.key(role, "default"))).get("/v1/mcp/servers").then().statusCode(403);
        }

        given().contentType(ContentType.JSON).body(calcBody("roles-probe")).post("/v1/mcp/servers").then()
                .statusCode(409).contentType("application/problem+json");
        for (String bad : List.of(
                "{\"name\": \"Bad Name\", \"transport\": \"sse\", \"url\": \"http://127.0.0.1:1/sse\"}",
                "{\"name\": \"x\", \"transport\": \"carrier-pigeon\"}",
                "{\"name\": \"x\", \"transport\": \"streamable_http\"}",
                "{\"name\": \"x\", \"transport\": \"streamable_http\", \"url\": \"file:///etc/passwd\"}",
                "{\"name\": \"x\", \"transport\": \"stdio\", \"url\": \"http://127.0.0.1:1/mcp\"}",
                "{\"name\": \"x\", \"transport\": \"stdio\", \"command\": \"true\", \"auth\": {\"header\": \"X-Key\","
                        + " \"value\": \"s3cr3t-value\"}}",
                "{\"name\": \"x\", \"transport\": \"sse\", \"url\": \"http://127.0.0.1:1/sse\", \"auth\": "
                        + "{\"header\": \"Host\", \"value\": \"s3cr3t-value\"}}")) {
            var problem = given().contentType(ContentType.JSON).body(bad).post("/v1/mcp/servers").then()
                    .statusCode(422).contentType("application/problem+json").extract().asString();
            assertThat(problem).doesNotContain("s3cr3t-value");
        }
        // an id that is no id is malformed, not missing
        given().get("/v1/mcp/servers/not-a-uuid").then().statusCode(422).contentType("application/problem+json");
    }

    private static String quote(String s) {
        return TextNode.valueOf(s).toString();
    }
}
