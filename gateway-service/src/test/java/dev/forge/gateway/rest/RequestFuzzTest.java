package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.testing.RandomJson;
import dev.forge.gateway.TestAuth;
import dev.forge.gateway.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Random request bodies (seeded, so a failure reproduces) against every endpoint that takes one, half of them
 * built around a valid body: the answer is a success or a problem+json 4xx with a detail — never a 5xx — and a
 * refused request writes nothing.
 */
@QuarkusTest
class RequestFuzzTest {

    private static final int BODIES = 150;

    @Inject
    Pool pool;

    @BeforeEach
    void clean() {
        TestAuth.actAsAdmin();
        TestDb.reset(pool);
    }

    private long rows() {
        return pool.query("SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM assistants) "
                + "+ (SELECT count(*) FROM sessions) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM jobs)")
                .execute().await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    @Test
    void randomBodiesGetSuccessOrAClearProblemAndRefusalsWriteNothing() {
        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"fuzz\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        String run = given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {}}").post("/v1/runs").then()
                .statusCode(202).extract().path("id");
        List<String> endpoints = List.of("/v1/assistants", "/v1/sessions", "/v1/runs", "/v1/runs/wait?timeout=0",
                "/v1/runs/" + run + "/fork", "/v1/runs/" + run + "/replay", "/v1/api-keys");
        var random = new Random(20261123);
        int refused = 0;
        for (int i = 0; i < BODIES; i++) {
            String endpoint = endpoints.get(i % endpoints.size());
            ObjectNode body = RandomJson.object(random, 3);
            if (random.nextBoolean()) {
                // near-valid: the right ids with random companions
                body.put("assistant_id", random.nextInt(4) == 0 ? "not-a-uuid" : assistant);
                if (random.nextBoolean()) {
                    body.set("input", RandomJson.value(random, 2));
                }
            }
            long before = rows();
            Response response = given().contentType(ContentType.JSON).body(body.toString()).post(endpoint);
            int status = response.statusCode();
            assertThat(status).as("%s %s -> %s", endpoint, body, response.asString()).isLessThan(500);
            if (status >= 400) {
                refused++;
                assertThat(response.contentType()).as("%s %s", endpoint, body).startsWith("application/problem+json");
                assertThat(response.jsonPath().getString("detail")).as("%s %s", endpoint, body).isNotBlank();
                assertThat(rows()).as("a refused %s wrote nothing: %s", endpoint, body).isEqualTo(before);
            }
        }
        assertThat(refused).as("the fuzzing reached the validation").isGreaterThan(BODIES / 3);
    }
}
