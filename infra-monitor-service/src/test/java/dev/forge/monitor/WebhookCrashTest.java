package dev.forge.monitor;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.forge.discovery.testing.ConsulStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A gateway killed in the middle of a webhook attempt (the receiver has the request, the gateway never hears back):
 * its lease runs out, a restarted gateway sends the delivery again, once, under the same Forge-Delivery id, and the
 * log shows it delivered. Real gateway JVMs, a real receiver over HTTP.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class WebhookCrashTest {

    private static final List<String> WEBHOOKS = List.of("-Dforge.webhooks.allowed-networks=127.0.0.0/8",
            "-Dforge.webhooks.poll-interval=200ms", "-Dforge.webhooks.timeout=3s",
            "-Dforge.webhooks.initial-backoff=300ms");

    @Test
    void aGatewayKilledMidDeliveryDeliversOnceAfterRestart() throws Exception {
        var receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
        try {
            // the first attempt is answered slowly; the gateway dies while it waits
            receiver.stubFor(post(urlEqualTo("/hook")).inScenario("crash").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(200).withFixedDelay(2500)).willSetStateTo("again"));
            receiver.stubFor(post(urlEqualTo("/hook")).inScenario("crash").whenScenarioStateIs("again")
                    .willReturn(aResponse().withStatus(200).withBody("got it")));
            String webhook;
            String run;
            try (var gateway = Cluster.gateway(51183, 52183, Cluster.MAIN_DB, WEBHOOKS)) {
                webhook = Cluster.on(gateway).contentType(ContentType.JSON).body("{\"url\": \"http://127.0.0.1:"
                        + receiver.port() + "/hook\", \"events\": [\"run.created\"]}").post("/v1/webhooks").then()
                        .statusCode(201).extract().path("id");
                run = Cluster.run(gateway, "document-review", "{\"title\": \"t\", \"document\": \"d\"}");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> requests(receiver).size() == 1);
                gateway.kill();
            }
            var first = requests(receiver).get(0);
            try (var restarted = Cluster.gateway(51183, 52183, Cluster.MAIN_DB, WEBHOOKS)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(deliveries(restarted, webhook)
                        .getString("[0].status")));
                var log = deliveries(restarted, webhook);
                assertThat(log.getList("id")).hasSize(1);
                assertThat(log.getString("[0].run_id")).isEqualTo(run);
                assertThat(log.getInt("[0].attempts")).isEqualTo(2);
                var detail = Cluster.on(restarted).get("/v1/webhook-deliveries/" + log.getString("[0].id")).then()
                        .statusCode(200).extract().jsonPath();
                // the dead gateway's attempt never came back to be logged; the restarted one's did
                assertThat(detail.getList("attempt_log")).hasSize(1);
                assertThat(detail.getInt("attempt_log[0].attempt")).isEqualTo(2);
                assertThat(detail.getString("attempt_log[0].response")).isEqualTo("got it");
                // and nothing more arrives while the restarted gateway keeps polling
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                        .until(() -> requests(receiver).size() == 2);
            }
            // once after the restart: the same delivery, the second attempt, nothing more
            var all = requests(receiver);
            assertThat(all).hasSize(2);
            assertThat(all.get(1).getHeader("Forge-Delivery")).isEqualTo(first.getHeader("Forge-Delivery"));
            assertThat(all).extracting(r -> r.getHeader("Forge-Attempt")).containsExactly("1", "2");
            assertThat(all.get(1).getBodyAsString()).isEqualTo(first.getBodyAsString());
        } finally {
            receiver.stop();
        }
    }

    private static List<LoggedRequest> requests(WireMockServer receiver) {
        return receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
    }

    private static JsonPath deliveries(dev.forge.core.testing.ServiceJvm gateway, String webhook) {
        return Cluster.on(gateway).get("/v1/webhooks/" + webhook + "/deliveries").then().statusCode(200).extract()
                .jsonPath();
    }
}
