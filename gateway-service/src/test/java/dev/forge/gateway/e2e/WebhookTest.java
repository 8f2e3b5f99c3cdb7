package dev.forge.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Webhooks against a receiver speaking plain HTTP (WireMock): subscriptions' deliveries are signed so the receiver can
 * check them, a run's own webhook gets its outcome, failures (500, a receiver too slow, a redirect) are retried with
 * backoff and logged attempt by attempt, "send again" sends the same delivery, a delivery whose window closed fails,
 * and nothing is ever sent for a change that rolled back.
 */
@QuarkusTest
class WebhookTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static WireMockServer receiver;

    @Inject
    Pool pool;

    @BeforeAll
    static void startReceiver() {
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void reset() {
        TestAuth.actAsAdmin();
        // each test hears only its own subscriptions
        pool.query("DELETE FROM webhooks").execute().await().atMost(Duration.ofSeconds(5));
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo("/ok")).willReturn(aResponse().withStatus(200).withBody("thanks")));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + receiver.port() + path;
    }

    private static JsonPath subscribe(String path, String... events) {
        String list = List.of(events).stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", "));
        return given().contentType(ContentType.JSON).body("{\"url\": \"" + url(path) + "\", \"events\": [" + list
                + "]}").post("/v1/webhooks").then().statusCode(201).extract().jsonPath();
    }

    private static List<LoggedRequest> received(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static List<LoggedRequest> receivedFor(String path, String run) {
        return received(path).stream().filter(r -> run.equals(JsonPath.from(r.getBodyAsString())
                .getString("data.run.id"))).toList();
    }

    private static JsonPath delivery(String id) {
        return given().get("/v1/webhook-deliveries/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** What a receiver does with Forge-Signature: recompute over "t.body" with its secret, compare. */
    private static boolean signatureHolds(LoggedRequest request, String secret) throws Exception {
        return holds(request.getHeader("Forge-Signature"), secret, request.getBodyAsString());
    }

    private static boolean holds(String header, String secret, String body) throws Exception {
        Map<String, String> parts = java.util.Arrays.stream(header.split(",\\s*"))
                .map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1]));
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((parts.get("t") + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        long age = System.currentTimeMillis() / 1000 - Long.parseLong(parts.get("t"));
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                parts.get("v1").getBytes(StandardCharsets.UTF_8)) && age >= 0 && age < 300;
    }

    @Test
    void subscriptionsGetSignedEventsOfTheirTypesAndARunItsOwnOutcome() throws Exception {
        var subscription = subscribe("/ok", "run.created", "run.succeeded");
        String secret = subscription.getString("secret");
        String webhook = subscription.getString("id");
        assertThat(secret).startsWith("whsec_");
        // the secret is shown once
        given().get("/v1/webhooks/" + webhook).then().statusCode(200).body("secret", nullValue())
                .body("events", equalTo(List.of("run.created", "run.succeeded")));
        given().get("/v1/webhooks").then().statusCode(200).body("find { it.id == '" + webhook + "' }.secret",
                nullValue());

        String assistant = EndToEndTest.assistant("document-review");
        String run;
        try (var worker = WorkerProcess.start(51191)) {
            run = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", \"input\": "
                    + "{\"title\": \"Hooks\", \"document\": \"A short contract about liability.\"}, \"webhook\": \""
                    + url("/run-hook") + "\"}").post("/v1/runs").then().statusCode(202).extract().path("id");
            receiver.stubFor(post(urlEqualTo("/run-hook")).willReturn(aResponse().withStatus(204)));
            String id = run;
            await().atMost(WAIT).until(() -> receivedFor("/ok", id).size() == 2 && received("/run-hook").size() == 1);
        }
        // the subscription: run.created then run.succeeded, each signed, the run as it ended inside (the worker may
        // also have finished runs earlier tests left: the subscription hears of those too)
        var bodies = receivedFor("/ok", run).stream().map(r -> JsonPath.from(r.getBodyAsString())).toList();
        assertThat(bodies).extracting(b -> b.getString("type")).containsExactlyInAnyOrder("run.created",
                "run.succeeded");
        for (var request : received("/ok")) {
            assertThat(signatureHolds(request, secret)).as(request.getHeader("Forge-Signature")).isTrue();
            assertThat(request.getHeader("Forge-Event")).isIn("run.created", "run.succeeded");
            assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        }
        var succeeded = bodies.stream().filter(b -> b.getString("type").equals("run.succeeded")).findFirst().get();
        assertThat(succeeded.getString("data.run.id")).isEqualTo(run);
        assertThat(succeeded.getString("data.run.status")).isEqualTo("succeeded");
        assertThat(succeeded.getString("data.run.output")).contains("review");
        // a tampered body does not verify
        var forged = received("/ok").get(0);
        assertThat(holds(forged.getHeader("Forge-Signature"), secret,
                forged.getBodyAsString().replace("run.", "RUN."))).isFalse();

        // the run's own webhook: its outcome, unsigned (no subscription of the workspace has its URL)
        var own = received("/run-hook").get(0);
        assertThat(own.getHeader("Forge-Event")).isEqualTo("run.succeeded");
        assertThat(own.containsHeader("Forge-Signature")).isFalse();
        assertThat(JsonPath.from(own.getBodyAsString()).getString("data.run.id")).isEqualTo(run);

        // the log: every delivery succeeded at the first attempt, its id the one the receiver saw
        await().atMost(WAIT).until(() -> given().get("/v1/webhook-deliveries?run_id=" + run).then().extract()
                .jsonPath().getList("findAll { it.status == 'succeeded' }").size() == 3);
        var log = given().get("/v1/webhook-deliveries?run_id=" + run).then().statusCode(200).extract().jsonPath();
        assertThat(log.getList("id")).hasSize(3);
        assertThat(log.getList("findAll { it.webhook_id == '" + webhook + "' }")).hasSize(2);
        String ownDelivery = log.getString("find { it.webhook_id == null }.id");
        assertThat(own.getHeader("Forge-Delivery")).isEqualTo(ownDelivery);
        var detail = delivery(ownDelivery);
        assertThat(detail.getString("status")).isEqualTo("succeeded");
        assertThat(detail.getInt("attempts")).isEqualTo(1);
        assertThat(detail.getInt("attempt_log[0].status_code")).isEqualTo(204);
        assertThat(detail.getString("body.data.run.id")).isEqualTo(run);
    }

    @Test
    void aRunsOwnWebhookToASubscribedUrlIsSignedWithThatSubscriptionsSecret() throws Exception {
        String secret = subscribe("/ok", "run.created").getString("secret");
        String assistant = EndToEndTest.assistant("document-review");
        String run = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", "
                + "\"input\": {\"title\": \"t\", \"document\": \"d\"}, \"webhook\": \"" + url("/ok") + "\"}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
        // cancelled before any worker took it: the run's webhook hears run.cancelled, the subscription run.created
        given().post("/v1/runs/" + run + "/cancel").then().statusCode(200);
        await().atMost(WAIT).until(() -> receivedFor("/ok", run).size() == 2);
        for (var request : receivedFor("/ok", run)) {
            assertThat(signatureHolds(request, secret)).as(request.getHeader("Forge-Event")).isTrue();
        }
        assertThat(receivedFor("/ok", run)).extracting(r -> r.getHeader("Forge-Event"))
                .containsExactlyInAnyOrder("run.created", "run.cancelled");
    }

    @Test
    void failuresAreRetriedWithBackoffLoggedAndSentAgainOnRequest() {
        // 500, then slower than the 2 s timeout, then 200
        receiver.stubFor(post(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("boom")).willSetStateTo("slow"));
        receiver.stubFor(post(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000)).willSetStateTo("fine"));
        receiver.stubFor(post(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs("fine")
                .willReturn(aResponse().withStatus(200).withBody("x".repeat(200_000))));
        // a redirect is not followed
        receiver.stubFor(post(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", url("/elsewhere"))));
        String flaky = subscribe("/flaky", "run.created").getString("id");
        String moved = subscribe("/moved", "run.created").getString("id");

        String assistant = EndToEndTest.assistant("document-review");
        String run = given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"title\": \"t\", \"document\": \"d\"}}").post("/v1/runs").then().statusCode(202)
                .extract().path("id");
        String delivery = await().atMost(WAIT).until(() -> given().get("/v1/webhooks/" + flaky + "/deliveries")
                .then().extract().jsonPath().getString("find { it.status == 'succeeded' }.id"), id -> id != null);
        var detail = delivery(delivery);
        assertThat(detail.getString("run_id")).isEqualTo(run);
        assertThat(detail.getInt("attempts")).isEqualTo(3);
        assertThat(detail.getInt("attempt_log[0].status_code")).isEqualTo(500);
        assertThat(detail.getString("attempt_log[0].response")).isEqualTo("boom");
        assertThat(detail.getString("attempt_log[1].error")).contains("TimeoutException");
        assertThat(detail.getInt("attempt_log[2].status_code")).isEqualTo(200);
        // the receiver's long answer was cut off, not read in full
        assertThat(detail.getString("attempt_log[2].response")).hasSizeLessThan(1100);
        // the waits grew: the third attempt started at least 300 ms + 600 ms of backoff after the first
        List<LoggedRequest> attempts = received("/flaky");
        assertThat(attempts).hasSize(3).extracting(r -> r.getHeader("Forge-Delivery")).containsOnly(delivery);
        assertThat(attempts).extracting(r -> r.getHeader("Forge-Attempt")).containsExactly("1", "2", "3");

        // the redirect: an attempt that failed with a clear reason; its target was never asked
        await().atMost(WAIT).until(() -> given().get("/v1/webhooks/" + moved + "/deliveries").then().extract()
                .jsonPath().getInt("[0].attempts") >= 2);
        var redirected = given().get("/v1/webhooks/" + moved + "/deliveries").then().extract().jsonPath();
        assertThat(redirected.getString("[0].status")).isEqualTo("pending");
        assertThat(redirected.getString("[0].last_error")).startsWith("HTTP 302: redirect to " + url("/elsewhere"));
        assertThat(received("/elsewhere")).isEmpty();

        // its window closes (as 24 h passing would): the next failure marks it failed, and it is tried no more
        pool.query("UPDATE webhook_deliveries SET give_up_at = now() WHERE webhook_id = '" + moved + "'").execute()
                .await().atMost(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> "failed".equals(given().get("/v1/webhooks/" + moved + "/deliveries")
                .then().extract().jsonPath().getString("[0].status")));

        // send again: the same delivery (same id), sent once more now
        given().post("/v1/webhook-deliveries/" + delivery + "/redeliver").then().statusCode(200)
                .body("status", equalTo("pending"));
        await().atMost(WAIT).until(() -> received("/flaky").size() == 4);
        assertThat(received("/flaky").get(3).getHeader("Forge-Delivery")).isEqualTo(delivery);
        await().atMost(WAIT).until(() -> delivery(delivery).getInt("attempts") == 4
                && delivery(delivery).getString("status").equals("succeeded"));
        given().post("/v1/webhook-deliveries/" + UUID.randomUUID() + "/redeliver").then().statusCode(404);
    }

    @Test
    void aChangeThatRolledBackIsNeverSent() {
        String webhook = subscribe("/ok", "run.created", "run.succeeded").getString("id");
        String assistant = EndToEndTest.assistant("document-review");
        String body = "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"title\": \"a\", \"document\": \"b\"}}";
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", "hooks-key").body(body)
                .post("/v1/runs").then().statusCode(202).extract().path("id");
        // another request under the same key: its run, job and run.created event are written, then the key is found
        // taken and the whole transaction rolls back
        given().contentType(ContentType.JSON).header("Idempotency-Key", "hooks-key")
                .body(body.replace("\"a\"", "\"other\"")).post("/v1/runs").then().statusCode(409);
        // an event written and rolled back by hand
        pool.withTransaction(tx -> tx.query("INSERT INTO events (workspace_id, type, source) VALUES ('default', "
                + "'run.succeeded', 'test')").execute().flatMap(x -> io.smallrye.mutiny.Uni.createFrom()
                        .failure(new IllegalStateException("roll back")))).onFailure().recoverWithNull().await()
                .atMost(Duration.ofSeconds(5));
        String marker = given().contentType(ContentType.JSON).body(body).post("/v1/runs").then().statusCode(202)
                .extract().path("id");
        // the marker's event comes after the rolled-back ones: once it is delivered, they would have been too
        await().atMost(WAIT).until(() -> received("/ok").stream().anyMatch(r -> r.getBodyAsString().contains(marker)));
        var runs = received("/ok").stream().map(r -> JsonPath.from(r.getBodyAsString()).getString("data.run.id"))
                .toList();
        assertThat(runs).containsExactlyInAnyOrder(first, marker);
        given().get("/v1/webhooks/" + webhook + "/deliveries").then().statusCode(200).body("size()", equalTo(2));
    }

    @Test
    void targetsOutsideTheRulesAreRefusedAndNothingIsWritten() {
        String assistant = EndToEndTest.assistant("document-review");
        long runsBefore = count("runs");
        for (String bad : List.of("ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http://10.1.2.3/x",
                "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/x", "http://192.168.1.1/",
                "http://100.64.0.1/", "not a url", "http://127.0.0.1/x#frag", "")) {
            given().contentType(ContentType.JSON).body("{\"url\": \"" + bad + "\", \"events\": [\"run.created\"]}")
                    .post("/v1/webhooks").then().statusCode(422).contentType("application/problem+json");
            given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", \"webhook\": \""
                    + bad + "\"}").post("/v1/runs").then().statusCode(422).contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).body("{\"url\": \"http://10.1.2.3/x\", \"events\": [\"run.created\"]}")
                .post("/v1/webhooks").then().body("detail", startsWith("'url': 10.1.2.3 is a private address"));
        // wrong shapes
        for (String body : List.of("{\"url\": \"" + url("/ok") + "\"}", "{\"url\": \"" + url("/ok")
                + "\", \"events\": []}", "{\"url\": \"" + url("/ok") + "\", \"events\": [\"run.nope\"]}",
                "{\"url\": \"" + url("/ok") + "\", \"events\": [\"run.created\", \"run.created\"]}",
                "{\"url\": 5, \"events\": [\"run.created\"]}", "{\"url\": \"" + url("/ok")
                        + "\", \"events\": [\"run.created\"], \"enabled\": \"yes\"}",
                "{\"url\": \"" + url("/ok") + "\", \"events\": [\"run.created\"], \"extra\": 1}")) {
            given().contentType(ContentType.JSON).body(body).post("/v1/webhooks").then().statusCode(422);
        }
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", \"webhook\": 7}")
                .post("/v1/runs").then().statusCode(422);
        assertThat(count("runs")).isEqualTo(runsBefore);
        given().get("/v1/webhooks/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/v1/webhooks/nope").then().statusCode(422);
        given().get("/v1/webhook-deliveries?status=lost").then().statusCode(422);
    }

    private long count(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }
}
