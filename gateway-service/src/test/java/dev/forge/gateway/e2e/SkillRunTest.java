package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Slash commands end to end: the gateway checks them with skill-service and the worker resolves and pins them, both
 * reaching skill-service through Stork; the skill's tools reach that run's llm executors only, and a reload while a
 * run is running changes later runs, not that one.
 */
@QuarkusTest
class SkillRunTest {

    private static String probeSkill(String tool) {
        return """
                # Pin Probe
                A skill whose tool names say which version of it a run used.

                ## Triggers
                - /pin-probe

                ## Tools
                - %s

                ## Parameters
                - mode: Which pass this is. Default: first
                """.formatted(tool);
    }

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static String assistant(String flow) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"skills\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
    }

    private static String createRun(String assistant, String text) {
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"" + text + "\"}}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    @Test
    void aRunKeepsTheSkillVersionItStartedWithWhileALaterRunGetsTheReloadedOne() throws Exception {
        SkillServiceProcess.writeSkill("pin-probe", probeSkill("probe_tool_v1"));
        try (var skills = SkillServiceProcess.start(List.of()); var worker = WorkerProcess.start(51194)) {
            String skillUrl = "http://127.0.0.1:" + skills.port() + "/v1/skills/pin-probe";
            String v1 = RestAssured.get(skillUrl).then().statusCode(200).extract().path("version");
            String assistant = assistant("skilled-waiter");

            String first = createRun(assistant, "/pin-probe check the first document");
            // started: its first checkpoint pins the skill as resolved now
            await().atMost(Duration.ofSeconds(20)).until(() -> !given().get("/v1/runs/" + first + "/checkpoints")
                    .then().extract().jsonPath().getList("$").isEmpty());
            var start = given().get("/v1/runs/" + first + "/checkpoints/0").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(start.getString("state.skill.name")).isEqualTo("pin-probe");
            assertThat(start.getString("state.skill.version")).isEqualTo(v1);
            assertThat(start.getList("state.skill.tools", String.class)).containsExactly("probe_tool_v1");
            assertThat(start.getString("state.skill.parameters.mode")).isEqualTo("first");
            assertThat(start.getString("state.skill.text")).isEqualTo("check the first document");

            // the skill changes on disk while the first run waits in its 4 s step
            SkillServiceProcess.writeSkill("pin-probe", probeSkill("probe_tool_v2"));
            await().atMost(Duration.ofSeconds(2)).until(() -> !v1.equals(RestAssured.get(skillUrl).then()
                    .extract().path("version")));
            given().get("/v1/runs/" + first).then().body("status", equalTo("running"));

            String second = createRun(assistant, "/pin-probe mode=second");
            var firstDone = EndToEndTest.awaitTerminal(first, Duration.ofSeconds(30));
            var secondDone = EndToEndTest.awaitTerminal(second, Duration.ofSeconds(30));
            assertThat(firstDone.getString("status")).isEqualTo("succeeded");
            assertThat(secondDone.getString("status")).isEqualTo("succeeded");

            // each run's llm step ran with its own pinned version's tools, and only those
            assertThat(answerTools(first)).containsExactly("probe_tool_v1");
            assertThat(answerTools(second)).containsExactly("probe_tool_v2");
            var secondEnd = given().get("/v1/runs/" + second + "/checkpoints/2").then().extract().jsonPath();
            assertThat(secondEnd.getString("state.skill.version")).isNotEqualTo(v1);
            assertThat(secondEnd.getString("state.skill.parameters.mode")).isEqualTo("second");

            // a run without a slash command gets no skill tools at all
            String plain = given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"no command here\"}}")
                    .post("/v1/runs").then().statusCode(202).extract().path("id");
            assertThat(EndToEndTest.awaitTerminal(plain, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("succeeded");
            assertThat(answerTools(plain)).isEmpty();
        } finally {
            Files.deleteIfExists(SkillServiceProcess.WORKSPACE.resolve("pin-probe/SKILL.md"));
        }
    }

    @Test
    void commandsSkillServiceRefusesAreRefusedWhenTheRunIsCreated() throws Exception {
        try (var skills = SkillServiceProcess.start(List.of())) {
            String assistant = assistant("skilled-waiter");
            // the gateway's channel may still be backing off from the previous test's skill-service: once it has
            // reconnected, the command is refused (an unreachable skill-service lets runs through to the worker)
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"/no-such-skill now\"}}")
                    .post("/v1/runs").then().statusCode(422));
            given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"/no-such-skill now\"}}")
                    .post("/v1/runs").then().statusCode(422).contentType("application/problem+json")
                    .body("title", equalTo("Slash command refused"))
                    .body("detail", equalTo("no skill answers /no-such-skill"));
            given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"/extract-tables pagez=2\"}}")
                    .post("/v1/runs").then().statusCode(422)
                    .body("errors", hasItem(Matchers.startsWith("unknown parameter 'pagez'")));
        }
    }

    private static List<String> answerTools(String run) {
        var checkpoints = given().get("/v1/runs/" + run + "/checkpoints").then().extract().jsonPath();
        int last = checkpoints.getList("$").size() - 1;
        assertThat(checkpoints.getString("[" + last + "].metadata.executor")).isEqualTo("answer");
        return checkpoints.getList("[" + last + "].metadata.tools", String.class);
    }
}
