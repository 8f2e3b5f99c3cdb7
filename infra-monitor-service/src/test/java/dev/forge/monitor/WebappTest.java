package dev.forge.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.inject.Inject;

import org.eclipse.jgit.api.Git;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.ApiKeyService;
import dev.forge.api.security.Caller;
import dev.forge.core.artifact.BlobStore;
import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.auth.Role;
import dev.forge.core.json.JsonValues;
import dev.forge.core.sandbox.ChildProcesses;
import dev.forge.core.testing.LocalS3;
import dev.forge.core.testing.ServiceJvm;
import dev.forge.discovery.testing.ConsulStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Webapps on a real runner (worker-service in the runner role, its own JVM): a static site from a git repository
 * made here, served through the runner's proxy and redeployed after a new commit; a {@code python3 -m http.server}
 * app started, ready, stopped; a crashing app restarted with backoff; output over SSE; bad input refused with nothing
 * left behind; audit rows and roles.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebappTest {

    private static final UUID RUNNER_ID = UUID.randomUUID();
    private static final String CANARY_ADMIN_KEY = "fk_canary_" + UUID.randomUUID();
    private static final String CANARY_PASSWORD = "pw-canary-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path repo;
    private static Path workdir;
    private static ServiceJvm runner;

    @Inject
    ApiKeyService keys;
    @Inject
    BlobStore blobs;
    @Inject
    Pool pool;

    @BeforeAll
    static void start() throws Exception {
        repo = Files.createTempDirectory("forge-webapp-repo");
        try (var git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            commit(git, "site/index.html", "<h1>version one</h1>", "first");
        }
        workdir = Files.createTempDirectory("forge-runner");
        // uploaded artifacts live in S3: the runner reads them from the tests' local S3
        LocalS3.ensureStarted();
        // platform secrets in the runner's environment, as a careless deployment would leave them: no app may see them
        runner = Cluster.runner(51184, RUNNER_ID, workdir, Map.of("FORGE_AUTH_BOOTSTRAP_ADMIN_KEY", CANARY_ADMIN_KEY,
                "QUARKUS_DATASOURCE_PASSWORD", CANARY_PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
    }

    @BeforeEach
    void admin() {
        RestAssured.requestSpecification = InfraMonitorTest.as(Cluster.ADMIN_KEY);
    }

    private static void commit(Git git, String file, String content, String message) throws Exception {
        var path = repo.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setAuthor("test", "test@example.com")
                .setCommitter("test", "test@example.com").call();
    }

    private static String repoUrl() {
        return repo.toUri().toString();
    }

    private static HttpResponse<String> fetch(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonPath app(String slug) {
        return given().get("/v1/webapps/" + slug).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> outcomes(String slug) {
        return given().get("/v1/webapps/" + slug + "/deployments").then().statusCode(200).extract().jsonPath()
                .getList("outcome", String.class);
    }

    @Test
    @Order(1)
    void theRunnerRegistersWhatItCanHost() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var runners = given().get("/v1/runners").then().statusCode(200).extract().jsonPath();
            String r = "find { it.id == '" + RUNNER_ID + "' }";
            assertThat(runners.getString(r + ".health")).isEqualTo("healthy");
            // python3 is on these machines, no Docker engine
            assertThat(runners.getList(r + ".capabilities", String.class))
                    .containsExactly("static", "gradio", "streamlit", "fastapi");
        });
    }

    @Test
    @Order(2)
    void aStaticSiteFromGitIsServedAndRedeployedAfterANewCommit() throws Exception {
        var created = given().contentType(ContentType.JSON).body("{\"slug\": \"docs\", \"name\": \"Docs\", "
                + "\"type\": \"static\", \"source\": {\"git_url\": \"" + repoUrl() + "\", \"branch\": \"main\", "
                + "\"path\": \"site\"}}").post("/v1/webapps").then().statusCode(201)
                .header("Location", Matchers.endsWith("/v1/webapps/docs")).extract().jsonPath();
        assertThat(created.getString("state")).isEqualTo("running");
        String first = created.getString("deployed_commit");
        assertThat(first).hasSize(40);
        assertThat(created.getString("url")).endsWith("/apps/docs/");
        assertThat(fetch("/apps/docs/").body()).contains("version one");
        assertThat(fetch("/apps/docs/index.html").headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/html");
        assertThat(fetch("/apps/docs/../../../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(app("docs").getBoolean("behind")).isFalse();

        try (var git = Git.open(repo.toFile())) {
            commit(git, "site/index.html", "<h1>version two</h1>", "second");
        }
        assertThat(app("docs").getBoolean("behind")).isTrue();
        var redeployed = given().post("/v1/webapps/docs/redeploy").then().statusCode(200).extract().jsonPath();
        assertThat(redeployed.getString("deployed_commit")).isNotEqualTo(first);
        assertThat(fetch("/apps/docs/").body()).contains("version two");
        assertThat(app("docs").getBoolean("behind")).isFalse();

        var history = given().get("/v1/webapps/docs/deployments").then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("trigger", String.class)).containsExactly("redeploy", "create");
        assertThat(history.getList("outcome", String.class)).containsOnly("running");
        assertThat(history.getString("[1].commit")).isEqualTo(first);
        assertThat(history.getString("[0].commit")).isEqualTo(redeployed.getString("deployed_commit"));
        assertThat(history.getLong("[0].duration_ms")).isNotNull();
    }

    @Test
    @Order(3)
    void aCommandAppStartsPassesReadinessStreamsItsOutputAndStops() throws Exception {
        var created = given().contentType(ContentType.JSON).body("{\"slug\": \"files\", \"type\": \"fastapi\", "
                + "\"command\": \"python3 -u -m http.server $PORT --bind 127.0.0.1\", \"env\": {\"GREETING\": "
                + "\"hello\"}, \"source\": {\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then()
                .statusCode(201).extract().jsonPath();
        assertThat(created.getString("state")).isEqualTo("running");
        int port = created.getInt("serving_port");
        assertThat(port).isBetween(53400, 53499);
        assertThat(created.getList("env", String.class)).containsExactly("GREETING");
        assertThat(fetch("/apps/files/site/index.html").body()).contains("version two");

        // an unknown app's stream is refused before it starts
        given().accept("text/event-stream").get("/v1/webapps/nope/logs/stream").then().statusCode(404)
                .contentType("application/problem+json");
        try (var stream = LiveStream.open("/v1/webapps/files/logs/stream?tail=50", Cluster.ADMIN_KEY)) {
            assertThat(stream.status()).isEqualTo(200);
            fetch("/apps/files/site/?from=the-test");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stream.items().stream()
                    .map(i -> i.path("line").asText()).toList()).anyMatch(l -> l.contains("from=the-test"))
                    .anyMatch(l -> l.contains("ready on port " + port)));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given()
                .get("/v1/webapps/files/logs").then().statusCode(200).extract().jsonPath()
                .getList("line", String.class)).anyMatch(l -> l.contains("from=the-test")));

        given().post("/v1/webapps/files/stop").then().statusCode(200).body("state",
                Matchers.equalTo("stopped"));
        assertThat(listening(port)).as("the app's port is closed").isFalse();
        assertThat(fetch("/apps/files/").statusCode()).isEqualTo(404);
        var started = given().post("/v1/webapps/files/start").then().statusCode(200).extract().jsonPath();
        assertThat(started.getString("state")).isEqualTo("running");
        assertThat(fetch("/apps/files/site/index.html").statusCode()).isEqualTo(200);
        given().delete("/v1/webapps/files").then().statusCode(204);
        assertThat(listening(started.getInt("serving_port"))).isFalse();
        assertThat(workdir.resolve("files")).doesNotExist();
        given().get("/v1/webapps/files").then().statusCode(404);
    }

    @Test
    @Order(4)
    void aCrashingAppIsRestartedWithBackoffAndEachAttemptIsInItsHistory() throws Exception {
        var created = given().contentType(ContentType.JSON).body("{\"slug\": \"crashy\", \"type\": \"fastapi\", "
                + "\"command\": \"echo about to fail; echo still failing; exit 3\", \"source\": {\"git_url\": \""
                + repoUrl() + "\"}}")
                .post("/v1/webapps").then().statusCode(201).extract().jsonPath();
        assertThat(created.getString("state")).isEqualTo("crashed");
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes("crashy").size() >= 4);
        var history = given().get("/v1/webapps/crashy/deployments").then().extract().jsonPath();
        var triggers = history.getList("trigger", String.class);
        assertThat(triggers.get(triggers.size() - 1)).isEqualTo("create");
        assertThat(triggers.subList(0, triggers.size() - 1)).containsOnly("restart");
        assertThat(history.getList("outcome", String.class)).doesNotContain("running");
        // the waits between attempts grow (300 ms, 600 ms, 1.2 s, …)
        var starts = new ArrayList<>(history.getList("started_at", String.class).stream()
                .map(Instant::parse).toList());
        Collections.reverse(starts);
        long firstGap = Duration.between(starts.get(0), starts.get(1)).toMillis();
        long laterGap = Duration.between(starts.get(2), starts.get(3)).toMillis();
        assertThat(laterGap).isGreaterThan(firstGap);
        var lines = new ArrayList<>(given().get("/v1/webapps/crashy/logs?limit=500").then().extract().jsonPath()
                .getList("line", String.class));
        assertThat(lines).contains("about to fail").anyMatch(l -> l.startsWith("restarting in"));
        // stored in the order printed: the two lines arrive in one batch, which was once stored reversed
        Collections.reverse(lines);
        assertThat(lines.stream().filter(l -> l.equals("about to fail") || l.equals("still failing")).limit(2))
                .containsExactly("about to fail", "still failing");
        assertThat(app("crashy").getInt("restarts")).isGreaterThanOrEqualTo(3);

        given().post("/v1/webapps/crashy/stop").then().statusCode(200);
        int attempts = outcomes("crashy").size();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> outcomes("crashy").size() == attempts);
        given().delete("/v1/webapps/crashy").then().statusCode(204);
    }

    @Test
    @Order(5)
    void badInputIsRefusedAndLeavesNothingBehind() throws Exception {
        given().contentType(ContentType.JSON).body("{\"slug\": \"Bad Slug\", \"type\": \"static\", \"source\": "
                + "{\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then().statusCode(422)
                .contentType("application/problem+json");
        var unknown = given().contentType(ContentType.JSON).body("{\"slug\": \"odd\", \"type\": \"php\", \"source\": "
                + "{\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then().statusCode(422).extract()
                .jsonPath();
        assertThat(unknown.getString("detail")).contains("'type' must be one of");
        given().contentType(ContentType.JSON).body("{\"slug\": \"creds\", \"type\": \"static\", \"source\": "
                + "{\"git_url\": \"https://user:secret@example.com/x.git\"}}").post("/v1/webapps").then()
                .statusCode(422).body(Matchers.not(Matchers.containsString("secret@")));

        // a port in use: refused by the runner, and nothing of the app stays
        try (var taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var problem = given().contentType(ContentType.JSON).body("{\"slug\": \"busy\", \"type\": \"fastapi\", "
                    + "\"command\": \"python3 -m http.server $PORT\", \"port\": " + taken.getLocalPort()
                    + ", \"source\": {\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then()
                    .statusCode(422).contentType("application/problem+json").extract().jsonPath();
            assertThat(problem.getString("detail")).contains("port " + taken.getLocalPort() + " is in use");
        }
        given().get("/v1/webapps/busy").then().statusCode(404);
        assertThat(workdir.resolve("busy")).doesNotExist();

        // a source that cannot be fetched
        var unreachable = given().contentType(ContentType.JSON).body("{\"slug\": \"nowhere\", \"type\": \"static\", "
                + "\"source\": {\"git_url\": \"http://127.0.0.1:9/missing.git\"}}").post("/v1/webapps").then()
                .statusCode(422).extract().jsonPath();
        assertThat(unreachable.getString("detail")).contains("cannot fetch http://127.0.0.1:9/missing.git");
        given().get("/v1/webapps/nowhere").then().statusCode(404);
        assertThat(workdir.resolve("nowhere")).doesNotExist();
        given().contentType(ContentType.JSON).body("{\"slug\": \"nobranch\", \"type\": \"static\", \"source\": "
                + "{\"git_url\": \"" + repoUrl() + "\", \"branch\": \"does-not-exist\"}}").post("/v1/webapps")
                .then().statusCode(422);
        given().get("/v1/webapps/nobranch").then().statusCode(404);

        // no runner here reaches a Docker engine: the error names what is missing
        var docker = given().contentType(ContentType.JSON).body("{\"slug\": \"boxed\", \"type\": \"docker\", "
                + "\"source\": {\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then().statusCode(422)
                .extract().jsonPath();
        assertThat(docker.getString("detail")).contains("Docker engine");
        given().contentType(ContentType.JSON).body("{\"slug\": \"docs\", \"type\": \"static\", \"source\": "
                + "{\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then().statusCode(409);
        assertThat(given().get("/v1/webapps").then().statusCode(200).extract().jsonPath()
                .getList("slug", String.class)).containsExactly("docs");
    }

    @Test
    @Order(6)
    void operatorsViewAdminsManageAndEveryOperationIsAudited() throws Exception {
        // the monitor shares the gateways' api_keys table: a key made through the shared service is one of theirs
        var admin = new Caller(UUID.randomUUID(), "default", Role.ADMIN,
                "test", false);
        String operator = keys.create(admin, new ObjectMapper().readTree(
                "{\"name\": \"webapp-operator\", \"role\": \"operator\"}")).await().atMost(Duration.ofSeconds(5))
                .get("key").asText();
        given().spec(InfraMonitorTest.as(operator)).get("/v1/webapps/docs").then().statusCode(200);
        given().spec(InfraMonitorTest.as(operator)).get("/v1/webapps/docs/deployments").then().statusCode(200);
        given().spec(InfraMonitorTest.as(operator)).post("/v1/webapps/docs/stop").then().statusCode(403);
        given().spec(InfraMonitorTest.as(operator)).delete("/v1/webapps/docs").then().statusCode(403);

        given().delete("/v1/webapps/docs").then().statusCode(204);
        assertThat(fetch("/apps/docs/").statusCode()).isEqualTo(404);
        var audit = given().get("/v1/audit?limit=200").then().statusCode(200).extract().jsonPath();
        assertThat(audit.getList("findAll { it.target == 'docs' }.action", String.class))
                .containsExactly("webapp.deleted", "webapp.redeployed", "webapp.created");
        assertThat(audit.getList("findAll { it.target == 'files' }.action", String.class))
                .contains("webapp.created", "webapp.stopped", "webapp.started", "webapp.deleted");
        assertThat(audit.getList("findAll { it.target == 'busy' }.action", String.class)).isEmpty();
        // the audit and the gateways' registry are platform-wide: a workspace's own admin is refused them
        String tenantAdmin = keys.create(admin, new ObjectMapper().readTree(
                "{\"name\": \"tenant admin\", \"role\": \"admin\"}")).await().atMost(Duration.ofSeconds(5))
                .get("key").asText();
        given().spec(InfraMonitorTest.as(tenantAdmin)).get("/v1/audit").then().statusCode(403)
                .body("detail", org.hamcrest.Matchers.containsString("platform admin key"));
        given().spec(InfraMonitorTest.as(tenantAdmin)).delete("/v1/gateways/local").then().statusCode(403);
        given().spec(InfraMonitorTest.as(tenantAdmin)).get("/v1/webapps").then().statusCode(200);
    }

    @Test
    @Order(7)
    void aStaticSiteFromAnUploadedZipArtifactIsServed() throws Exception {
        var zip = new ByteArrayOutputStream();
        try (var out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("public/index.html"));
            out.write("<p>from a zip upload</p>".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        String zipId = artifact("site.zip", "application/zip", zip.toByteArray());
        String textId = artifact("notes.txt", "text/plain", "not an archive".getBytes());

        var created = given().contentType(ContentType.JSON).body("{\"slug\": \"bundle\", \"type\": \"static\", "
                + "\"source\": {\"artifact_id\": \"" + zipId + "\", \"path\": \"public\"}}").post("/v1/webapps")
                .then().statusCode(201).extract().jsonPath();
        assertThat(created.getString("state")).isEqualTo("running");
        assertThat(created.getString("source.artifact_id")).isEqualTo(zipId);
        assertThat(created.getString("deployed_commit")).startsWith("zip-");
        assertThat(fetch("/apps/bundle/").body()).contains("from a zip upload");
        given().post("/v1/webapps/bundle/redeploy").then().statusCode(200);
        assertThat(given().get("/v1/webapps/bundle/deployments").then().extract().jsonPath()
                .getList("outcome", String.class)).containsExactly("running", "running");

        given().contentType(ContentType.JSON).body("{\"slug\": \"notzip\", \"type\": \"static\", \"source\": "
                + "{\"artifact_id\": \"" + textId + "\"}}").post("/v1/webapps").then().statusCode(422)
                .body("detail", Matchers.containsString("zip archive"));
        given().contentType(ContentType.JSON).body("{\"slug\": \"ghost\", \"type\": \"static\", \"source\": "
                + "{\"artifact_id\": \"" + UUID.randomUUID() + "\"}}").post("/v1/webapps").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"slug\": \"both\", \"type\": \"static\", \"source\": "
                + "{\"artifact_id\": \"" + zipId + "\", \"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps")
                .then().statusCode(422);
        given().delete("/v1/webapps/bundle").then().statusCode(204);
        assertThat(workdir.resolve("bundle")).doesNotExist();
    }

    @Test
    @Order(8)
    void anAppSeesNoneOfThePlatformsSecretsFilesOrOtherApps() throws Exception {
        // a file only its owner reads, as the launcher keeps .run/admin.key, in a directory anyone may enter
        Path keys = Files.createTempDirectory("forge-keys");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path adminKey = keys.resolve("admin.key");
        Files.writeString(adminKey, CANARY_ADMIN_KEY);
        Files.setPosixFilePermissions(adminKey, PosixFilePermissions.fromString("rw-------"));

        given().contentType(ContentType.JSON).body("{\"slug\": \"neighbour\", \"type\": \"fastapi\", "
                + "\"command\": \"id -u > uid.txt; exec python3 -m http.server $PORT --bind 127.0.0.1\", "
                + "\"source\": {\"git_url\": \"" + repoUrl() + "\"}}").post("/v1/webapps").then().statusCode(201)
                .body("state", Matchers.equalTo("running"));
        String command = "env > leaked.txt; id -u > uid.txt; (cat " + adminKey + " > key.txt 2>&1 || echo denied "
                + ">> key.txt); (ls ../../neighbour/src > neighbour.txt 2>&1 || echo denied >> neighbour.txt); "
                + "exec python3 -m http.server $PORT --bind 127.0.0.1";
        given().contentType(ContentType.JSON).body(JsonValues.MAPPER.createObjectNode().put("slug", "leaky")
                .put("type", "fastapi").put("command", command).<ObjectNode>set(
                        "env", JsonValues.MAPPER.createObjectNode().put("GREETING", "hello"))
                .<ObjectNode>set("source", JsonValues.MAPPER.createObjectNode()
                        .put("git_url", repoUrl())).toString()).post("/v1/webapps").then().statusCode(201)
                .body("state", Matchers.equalTo("running"));

        String env = fetch("/apps/leaky/leaked.txt").body();
        var names = env.lines().filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).contains("PATH", "HOME", "PORT", "GREETING", "FORGE_BASE_PATH")
                .allMatch(n -> Set.of("PATH", "LANG", "LC_ALL", "TZ", "HOME", "PORT", "GREETING", "FORGE_BASE_PATH",
                        "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT", "GRADIO_ROOT_PATH", "USER", "LOGNAME", "PWD",
                        "SHLVL", "_").contains(n), "is an app's variable");
        assertThat(env).doesNotContain(CANARY_ADMIN_KEY).doesNotContain(CANARY_PASSWORD)
                .contains("HOME=" + workdir.toRealPath().resolve("leaky"));
        assertThat(System.getenv().keySet()).as("the runner inherited variables no app may see")
                .anyMatch(n -> !names.contains(n));
        if (ChildProcesses.runningAsRoot()) {
            int uid = Integer.parseInt(fetch("/apps/leaky/uid.txt").body().trim());
            int neighbour = Integer.parseInt(fetch("/apps/neighbour/uid.txt").body().trim());
            assertThat(uid).isBetween(62000, 62999).isNotEqualTo(neighbour);
            assertThat(neighbour).isBetween(62000, 62999);
            assertThat(fetch("/apps/leaky/key.txt").body()).contains("denied").doesNotContain(CANARY_ADMIN_KEY);
            assertThat(fetch("/apps/leaky/neighbour.txt").body()).contains("denied");
            assertThat(Files.getAttribute(workdir.resolve("leaky"), "unix:uid")).isEqualTo(uid);
        }
        given().delete("/v1/webapps/leaky").then().statusCode(204);
        given().delete("/v1/webapps/neighbour").then().statusCode(204);
        assertThat(workdir.resolve("leaky")).doesNotExist();
    }

    /** An artifact as the gateway stores one: the bytes in S3, the row with their SHA-256. */
    private String artifact(String name, String contentType, byte[] bytes) {
        String id = UUID.randomUUID().toString();
        String key = "artifacts/default/" + id;
        // the runner creates the bucket when it starts, in the background
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> blobs.put(key, bytes,
                contentType).await().atMost(Duration.ofSeconds(5)));
        pool.preparedQuery("INSERT INTO artifacts (id, workspace_id, name, content_type, size_bytes, sha256, "
                + "storage_key) VALUES ($1, 'default', $2, $3, $4, $5, $6)")
                .execute(Tuple.from(List.of(UUID.fromString(id), name, contentType,
                        (long) bytes.length, OffloadedValues.sha256(bytes), key)))
                .await().atMost(Duration.ofSeconds(5));
        return id;
    }

    private static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
