package dev.forge.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.testing.HostileInput;
import dev.forge.discovery.testing.ConsulStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * infra-monitor-service under the same hostile-input rules as the gateway (forge-input through forge-api): generated
 * hostile bodies for every endpoint that reads one, bad numbers and NULs in queries, ids that are not ids. Never a
 * 5xx; problem+json with the status the rules give; nothing written (gateways, webapps, audit rows).
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class HostileInputTest {

    @Inject
    Pool pool;

    @BeforeEach
    void admin() {
        RestAssured.requestSpecification = InfraMonitorTest.as(Cluster.ADMIN_KEY);
    }

    private long rows() {
        return pool.query("SELECT (SELECT count(*) FROM monitor_gateways) + (SELECT count(*) FROM webapps) "
                + "+ (SELECT count(*) FROM audit_log)").execute().await().atMost(Duration.ofSeconds(5)).iterator()
                .next().getLong(0);
    }

    private void refused(Response response, int expected, long before, String what) {
        assertThat(response.statusCode()).as("%s -> %s", what, response.asString()).isBetween(400, 499);
        if (expected != 0) {
            assertThat(response.statusCode()).as("%s -> %s", what, response.asString()).isEqualTo(expected);
        }
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("detail")).as(what).isNotBlank();
        assertThat(rows()).as("a refused request wrote nothing: %s", what).isEqualTo(before);
    }

    @Test
    void hostileBodiesAreRefusedAndWriteNothing() {
        ObjectNode gateway = HostileInput.object().put("id", "hostile").put("url", "http://127.0.0.1:9")
                .put("token", "t0k3n-for-the-test");
        ObjectNode webapp = HostileInput.object().put("slug", "hostile").put("type", "static");
        webapp.putObject("source").put("git_url", "http://127.0.0.1:9/x.git");
        int seed = 1830;
        for (var endpoint : List.of(new Object[] { "/v1/gateways", gateway }, new Object[] { "/v1/webapps",
            webapp })) {
            for (var body : HostileInput.sample(HostileInput.bodies((ObjectNode) endpoint[1]), seed++, 40)) {
                long before = rows();
                refused(given().contentType("application/json").body(body.bytes()).post((String) endpoint[0]),
                        body.expected(), before, endpoint[0] + " " + body);
            }
        }
    }

    @Test
    void hostileQueriesAndIdsAreClientErrors() {
        long before = rows();
        for (String bad : HostileInput.badNumbers()) {
            for (String path : List.of("/v1/events?limit=", "/v1/logs?limit=", "/v1/audit?limit=")) {
                refused(given().urlEncodingEnabled(false).get(path + bad), 422, before, path + bad);
            }
        }
        // cursors are longs: what no long can be
        for (String bad : List.of("abc", "99999999999999999999", "1e3", "%00", "NaN")) {
            for (String path : List.of("/v1/events?before=", "/v1/audit?before=", "/v1/logs?before=")) {
                refused(given().urlEncodingEnabled(false).get(path + bad), 422, before, path + bad);
            }
        }
        for (String query : List.of("/v1/events?run_id=%00", "/v1/logs?q=%00", "/v1/events?workflow=%00",
                "/v1/audit?action=%00")) {
            refused(given().urlEncodingEnabled(false).get(query), 422, before, query);
        }
        for (String id : HostileInput.badIds()) {
            var response = given().urlEncodingEnabled(false).get("/v1/runs/" + id + "/context");
            refused(response, 0, before, "context " + id.substring(0, Math.min(30, id.length())));
            if (!id.contains("%2F")) {
                assertThat(response.statusCode()).as(id).isEqualTo(422);
            }
        }
    }
}
