package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import dev.forge.gateway.service.SchedulePoller;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Schedules through the API, and their firing: exactly one run per tick however many gateways poll at once, the
 * misfire policies after every gateway was down, and the runs carrying their schedule.
 */
@QuarkusTest
class ScheduleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    SchedulePoller poller;

    private String assistant;

    @BeforeEach
    void setUp() {
        TestAuth.actAsAdmin();
        assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"scheduled\", \"flow\": \"support-triage\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
    }

    private static String name() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<Row> rows(String sql, Object... args) {
        var out = new ArrayList<Row>();
        pool.preparedQuery(sql).execute(Tuple.from(List.of(args))).await().atMost(WAIT).forEach(out::add);
        return out;
    }

    @Test
    void aCronScheduleShowsItsNextTimesInItsZoneAndIsChangedPausedAndDeleted() {
        String name = name();
        var created = given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"assistant_id\": \""
                + assistant + "\", \"cron\": \"0 9 * * MON-FRI\", \"timezone\": \"Europe/Berlin\", "
                + "\"input\": {\"ticket\": \"daily digest\"}}").post("/v1/schedules").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/v1/schedules/")).body("misfire_policy", equalTo("run_once"))
                .body("next_fire_times", hasSize(5)).extract().jsonPath();
        String id = created.getString("id");
        for (String t : created.getList("next_fire_times", String.class)) {
            var local = Instant.parse(t).atZone(java.time.ZoneId.of("Europe/Berlin"));
            assertThat(local.getHour()).isEqualTo(9);
            assertThat(local.getMinute()).isZero();
            assertThat(local.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
        }
        assertThat(created.getString("next_fire_at")).isEqualTo(created.getString("next_fire_times[0]"));

        // refusals: every problem, nothing written
        given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"assistant_id\": \"" + assistant
                + "\", \"cron\": \"0 9 * * *\"}").post("/v1/schedules").then().statusCode(409)
                .body("type", endsWith("/schedule-name-taken"));
        given().contentType(ContentType.JSON).body("{\"name\": \"bad\", \"assistant_id\": \"" + assistant
                + "\", \"cron\": \"61 * * * *\", \"timezone\": \"Mars/Olympus\", \"misfire_policy\": \"later\"}")
                .post("/v1/schedules").then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasSize(3));
        given().contentType(ContentType.JSON).body("{\"name\": \"both\", \"assistant_id\": \"" + assistant
                + "\", \"cron\": \"0 9 * * *\", \"interval\": \"5m\"}").post("/v1/schedules").then().statusCode(422)
                .body("detail", startsWith("give exactly one of 'cron'"));
        given().contentType(ContentType.JSON).body("{\"name\": \"never\", \"assistant_id\": \"" + assistant
                + "\", \"cron\": \"0 0 30 2 *\"}").post("/v1/schedules").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"name\": \"ghost\", \"assistant_id\": \""
                + UUID.randomUUID() + "\", \"interval\": 60}").post("/v1/schedules").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"name\": \"tiny\", \"assistant_id\": \"" + assistant
                + "\", \"interval\": \"10ms\"}").post("/v1/schedules").then().statusCode(422);

        // a new timing takes effect from now; pause drops the next times, resume brings them back
        given().contentType(ContentType.JSON).body("{\"interval\": \"15m\"}").patch("/v1/schedules/" + id).then()
                .statusCode(200).body("cron", nullValue()).body("interval_seconds", equalTo(900))
                .body("timezone", equalTo("UTC"));
        given().post("/v1/schedules/" + id + "/pause").then().statusCode(200).body("paused", equalTo(true))
                .body("next_fire_times", hasSize(0)).body("next_fire_at", nullValue());
        given().post("/v1/schedules/" + id + "/resume").then().statusCode(200).body("paused", equalTo(false))
                .body("next_fire_times", hasSize(5));
        given().get("/v1/schedules?assistant_id=" + assistant).then().statusCode(200).body("name", hasItem(name));
        given().delete("/v1/schedules/" + id).then().statusCode(204);
        given().get("/v1/schedules/" + id).then().statusCode(404);
    }

    @Test
    void manyGatewaysPollingAtOnceMakeExactlyOneRunPerTick() throws Exception {
        String id = given().contentType(ContentType.JSON).body("{\"name\": \"" + name() + "\", \"assistant_id\": \""
                + assistant + "\", \"interval\": 1, \"input\": {\"ticket\": \"tick\"}}").post("/v1/schedules")
                .then().statusCode(201).extract().path("id");
        // four "gateways" poll as fast as they can (the test profile turns the background poller off)
        var gateways = Executors.newFixedThreadPool(4);
        var until = Instant.now().plusSeconds(4);
        for (int g = 0; g < 4; g++) {
            gateways.submit(() -> {
                while (Instant.now().isBefore(until)) {
                    poller.pollOnce().await().atMost(WAIT);
                }
                return null;
            });
        }
        gateways.shutdown();
        assertThat(gateways.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        given().post("/v1/schedules/" + id + "/pause").then().statusCode(200);

        var runs = rows("SELECT r.id, k.key FROM runs r JOIN idempotency_keys k ON k.run_id = r.id "
                + "WHERE r.schedule_id = $1", UUID.fromString(id));
        assertThat(runs.size()).isBetween(3, 6);
        // one run per tick: as many distinct ticks as runs, and every run of the schedule has its tick's key
        assertThat(runs.stream().map(r -> r.getString("key")).distinct().count()).isEqualTo(runs.size());
        assertThat(rows("SELECT count(*) FROM runs WHERE schedule_id = $1", UUID.fromString(id)).get(0).getLong(0))
                .isEqualTo(runs.size());
        String run = runs.get(0).getUUID("id").toString();
        given().get("/v1/runs/" + run).then().statusCode(200).body("schedule_id", equalTo(id));
        given().get("/v1/schedules/" + id).then().body("last_run_id", org.hamcrest.Matchers.notNullValue())
                .body("last_error", nullValue());
    }

    @Test
    void aTickMissedWhileEveryGatewayWasDownFollowsTheMisfirePolicy() {
        for (String policy : new String[] { "run_once", "skip" }) {
            String id = given().contentType(ContentType.JSON).body("{\"name\": \"" + name() + "\", \"assistant_id\": \""
                    + assistant + "\", \"interval\": \"1m\", \"misfire_policy\": \"" + policy + "\"}")
                    .post("/v1/schedules").then().statusCode(201).extract().path("id");
            // every gateway was down for five ticks
            rows("UPDATE schedules SET next_fire_at = now() - interval '5 minutes' WHERE id = $1 RETURNING id",
                    UUID.fromString(id));
            poller.pollOnce().await().atMost(WAIT);
            await().atMost(WAIT).until(() -> rows("SELECT next_fire_at > now() FROM schedules WHERE id = $1",
                    UUID.fromString(id)).get(0).getBoolean(0));
            long made = rows("SELECT count(*) FROM runs WHERE schedule_id = $1", UUID.fromString(id)).get(0)
                    .getLong(0);
            assertThat(made).as(policy).isEqualTo(policy.equals("skip") ? 0 : 1);
            given().get("/v1/schedules/" + id).then().body("last_error", startsWith("missed the tick at"));
            given().post("/v1/schedules/" + id + "/pause").then().statusCode(200);
        }
    }

    @Test
    void aTickIntoABusySessionFollowsTheSessionsMultitaskStrategy() {
        String session = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\"}")
                .post("/v1/sessions").then().statusCode(201).extract().path("id");
        // no worker here: this run stays pending and keeps the session busy
        given().contentType(ContentType.JSON).body("{\"input\": {\"ticket\": \"first\"}}")
                .post("/v1/sessions/" + session + "/runs").then().statusCode(202);
        String id = given().contentType(ContentType.JSON).body("{\"name\": \"" + name() + "\", \"session_id\": \""
                + session + "\", \"interval\": \"1m\", \"multitask_strategy\": \"reject\"}").post("/v1/schedules")
                .then().statusCode(201).body("assistant_id", equalTo(assistant)).extract().path("id");
        rows("UPDATE schedules SET next_fire_at = now() - interval '1 second' WHERE id = $1 RETURNING id",
                UUID.fromString(id));
        poller.pollOnce().await().atMost(WAIT);
        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/schedules/" + id).then()
                .body("last_error", org.hamcrest.Matchers.containsString("was refused"))
                .body("last_run_id", nullValue()));
        assertThat(rows("SELECT count(*) FROM runs WHERE schedule_id = $1", UUID.fromString(id)).get(0).getLong(0))
                .isZero();
        given().delete("/v1/schedules/" + id).then().statusCode(204);
    }
}
