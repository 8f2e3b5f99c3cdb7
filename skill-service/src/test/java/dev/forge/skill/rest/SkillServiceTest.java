package dev.forge.skill.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.assertj.core.api.Assertions;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.proto.skill.v1.GetSkillRequest;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.SkillChange;
import dev.forge.proto.skill.v1.SkillService;
import dev.forge.proto.skill.v1.WatchSkillsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The running service against real directories: the shipped skills plus a workspace directory the tests write into
 * while it runs (hot reload through the file watcher, nothing called by hand).
 */
@QuarkusTest
class SkillServiceTest {

    private static final Path WORKSPACE = Path.of("target/test-skills");
    private static final Duration RELOAD = Duration.ofSeconds(2); // the bound for add, change and delete

    @GrpcClient("skills")
    SkillService grpc;

    @BeforeEach
    void warmUp() {
        // the first RestAssured path expression loads Groovy (seconds): not inside a 2 s reload bound
        given().get("/v1/skills").then().statusCode(200).body("skills.name", hasItem("extract-tables"));
    }

    @AfterEach
    void removeWorkspaceSkills() throws IOException {
        if (Files.exists(WORKSPACE)) {
            try (Stream<Path> all = Files.walk(WORKSPACE)) {
                all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(WORKSPACE)).forEach(p -> p.toFile()
                        .delete());
            }
        }
        await().atMost(RELOAD).untilAsserted(() -> given().get("/v1/skills").then()
                .body("skills.source", not(hasItem("workspace"))));
    }

    private static void write(String dir, String content) throws IOException {
        Files.createDirectories(WORKSPACE.resolve(dir));
        // write then move: the watcher never sees half a file
        Path tmp = Files.createTempFile(WORKSPACE, ".skill", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, WORKSPACE.resolve(dir).resolve("SKILL.md"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static String skill(String title, String trigger, String parameters) {
        return "# " + title + "\nA test skill.\n\n## Triggers\n- " + trigger + "\n\n## Tools\n- regex_extract\n\n"
                + "## Parameters\n" + parameters;
    }

    @Test
    void publishesMetricsForScrapers() {
        given().get("/v1/skills").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(Matchers.containsString("http_server_requests_seconds_count"));
    }

    @Test
    void listsTheShippedSkills() {
        given().get("/v1/skills").then().statusCode(200)
                .body("skills.name", contains("extract-tables", "redact-pii", "summarize"))
                .body("skills.find { it.name == 'extract-tables' }.triggers", contains("/extract-tables",
                        "/table-extract"))
                .body("skills.find { it.name == 'summarize' }.metadata.owner", equalTo("platform"))
                .body("skills.find { it.name == 'summarize' }.source", equalTo("system"));
    }

    @Test
    void resolvesACommandFillingDefaultsAndKeepingFreeText() {
        given().contentType(ContentType.JSON).body("{\"input\": \"/extract-tables pages=1-3 compare the totals\"}")
                .post("/v1/skills/resolve").then().statusCode(200)
                .body("matched", equalTo(true))
                .body("skill.name", equalTo("extract-tables"))
                .body("parameters.pages", equalTo("1-3"))
                .body("parameters.format", equalTo("json"))
                .body("tools", contains("pdf_reader", "table_parser", "csv_formatter"))
                .body("text", equalTo("compare the totals"));
        given().contentType(ContentType.JSON).body("{\"input\": \"please summarize this\"}")
                .post("/v1/skills/resolve").then().statusCode(200).body("matched", equalTo(false));
    }

    @Test
    void refusesUnknownAndMissingParametersAndUnknownCommands() throws IOException {
        write("needs-target", skill("Needs Target", "/needs-target", "- target: Where to send it.\n"));
        await().atMost(RELOAD).untilAsserted(() -> given().get("/v1/skills/needs-target").then().statusCode(200));

        given().contentType(ContentType.JSON).body("{\"input\": \"/needs-target colour=red\"}")
                .post("/v1/skills/resolve").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors", contains("unknown parameter 'colour'; /needs-target takes target",
                        "parameter 'target' is required (Where to send it)"));
        given().contentType(ContentType.JSON).body("{\"input\": \"/no-such-command\"}")
                .post("/v1/skills/resolve").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"input\": 42}")
                .post("/v1/skills/resolve").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{not json")
                .post("/v1/skills/resolve").then().statusCode(400).contentType("application/problem+json");

        var grpcError = Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc.resolve(ResolveRequest.newBuilder().setInput("/needs-target").build()).await()
                        .atMost(Duration.ofSeconds(5)));
        assertThat(grpcError.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void hotReloadAddsChangesAndRemovesWithoutRestartAndKeepsEarlierVersions() throws IOException {
        var seen = new CopyOnWriteArrayList<SkillChange>();
        var watch = grpc.watchSkills(WatchSkillsRequest.getDefaultInstance()).subscribe().with(seen::add);
        try {
            write("hot", skill("Hot", "/hot", "- level: How hot. Default: mild\n"));
            await().atMost(RELOAD).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .body("{\"input\": \"/hot\"}").post("/v1/skills/resolve").then().statusCode(200)
                    .body("parameters.level", equalTo("mild")).body("skill.source", equalTo("workspace")));
            String first = given().get("/v1/skills/hot").then().extract().path("version");

            write("hot", skill("Hot", "/hot", "- level: How hot. Default: spicy\n"));
            await().atMost(RELOAD).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .body("{\"input\": \"/hot\"}").post("/v1/skills/resolve").then()
                    .body("parameters.level", equalTo("spicy")));
            // a run that pinned the first version still gets it
            given().queryParam("version", first).get("/v1/skills/hot").then().statusCode(200)
                    .body("parameters[0].default_value", equalTo("mild"));
            assertThat(grpc.getSkill(GetSkillRequest.newBuilder().setName("hot").setVersion(first).build())
                    .await().atMost(Duration.ofSeconds(5)).getParameters(0).getDefaultValue()).isEqualTo("mild");

            Files.delete(WORKSPACE.resolve("hot/SKILL.md"));
            Files.delete(WORKSPACE.resolve("hot"));
            await().atMost(RELOAD).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .body("{\"input\": \"/hot\"}").post("/v1/skills/resolve").then().statusCode(404));

            await().atMost(RELOAD).untilAsserted(() -> assertThat(seen.stream()
                    .filter(c -> c.getName().equals("hot")).map(SkillChange::getKind).toList())
                    .containsExactly("added", "changed", "removed"));
            assertThat(seen.stream().filter(c -> c.getKind().equals("changed")).findFirst().orElseThrow()
                    .getPreviousVersion()).isEqualTo(first);
        } finally {
            watch.cancel();
        }
    }

    @Test
    void aMalformedSkillIsReportedWithItsLineAndTheOthersKeepWorking() throws IOException {
        write("broken", "# Broken\nA broken skill.\n## Triggers\n- not-a-slash-command\n");
        write("fine", skill("Fine", "/fine", ""));
        await().atMost(RELOAD).untilAsserted(() -> given().get("/v1/skills").then()
                .body("skills.name", hasItem("fine"))
                .body("problems.find { it.path == 'broken/SKILL.md' }.line", equalTo(4))
                .body("problems.find { it.path == 'broken/SKILL.md' }.kind", equalTo("invalid_trigger")));
        given().get("/v1/skills").then().body("skills.name", not(hasItem("broken")))
                .body("skills.name", hasItem("extract-tables"));
    }

    @Test
    void aDuplicateTriggerGoesToTheWorkspaceSkillAndIsReported() throws IOException {
        write("my-tables", skill("My Tables", "/extract-tables", ""));
        await().atMost(RELOAD).untilAsserted(() -> given().contentType(ContentType.JSON)
                .body("{\"input\": \"/extract-tables\"}").post("/v1/skills/resolve").then()
                .body("skill.name", equalTo("my-tables")));
        given().get("/v1/skills").then()
                .body("problems.find { it.kind == 'duplicate_trigger' }.path", equalTo("extract-tables/SKILL.md"))
                .body("problems.find { it.kind == 'duplicate_trigger' }.line", equalTo(5));
        // the system skill still answers its other trigger
        given().contentType(ContentType.JSON).body("{\"input\": \"/table-extract\"}").post("/v1/skills/resolve")
                .then().body("skill.name", equalTo("extract-tables"));
    }

    @Test
    void nothingOutsideTheSkillDirectoriesIsReadOrReachable() throws IOException {
        Path outside = Files.createTempDirectory("outside-skill");
        Files.writeString(outside.resolve("SKILL.md"), skill("Outside", "/outside", ""));
        Files.createDirectories(WORKSPACE);
        Files.createSymbolicLink(WORKSPACE.resolve("escape").toAbsolutePath(), outside.toAbsolutePath());
        Files.createDirectories(WORKSPACE.resolve("linked-file"));
        Files.createSymbolicLink(WORKSPACE.resolve("linked-file/SKILL.md").toAbsolutePath(),
                outside.resolve("SKILL.md").toAbsolutePath());
        write("inside", skill("Inside", "/inside", ""));

        await().atMost(RELOAD).untilAsserted(() -> given().get("/v1/skills").then()
                .body("skills.name", hasItem("inside"))
                .body("problems.findAll { it.kind == 'outside_skills_directory' }.path",
                        Matchers.containsInAnyOrder("escape/SKILL.md", "linked-file/SKILL.md")));
        given().get("/v1/skills").then().body("skills.name", not(hasItem("escape")))
                .body("skills.name", not(hasItem("linked-file")));
        given().urlEncodingEnabled(false).get("/v1/skills/..%2F..%2Fetc").then()
                .statusCode(Matchers.anyOf(equalTo(404), equalTo(422)));
        given().get("/v1/skills/{name}", "../secrets").then().statusCode(Matchers.anyOf(equalTo(404),
                equalTo(422)));
        var error = Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc.getSkill(GetSkillRequest.newBuilder().setName("../../etc/passwd").build()).await()
                        .atMost(Duration.ofSeconds(5)));
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(List.of(Files.readString(outside.resolve("SKILL.md")))).isNotEmpty();
    }

    @Test
    void theRestMirrorIsDescribedAtQOpenapi() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Forge skill-service API"))
                .body("paths.'/v1/skills'.get.operationId", equalTo("listSkills"))
                .body("paths.'/v1/skills/{name}'.get.operationId", equalTo("getSkill"))
                .body("paths.'/v1/skills/resolve'.post.operationId", equalTo("resolveSkill"))
                .body("paths.'/v1/skills/changes'.get.operationId", equalTo("followSkillChanges"));
    }
}
