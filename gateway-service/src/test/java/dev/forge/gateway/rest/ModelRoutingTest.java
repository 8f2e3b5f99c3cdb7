package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With no default provider, a model no route serves is refused when a flow is chosen or a run overrides a model. */
@QuarkusTest
@TestProfile(ModelRoutingTest.OnlyClaudeRouted.class)
class ModelRoutingTest {

    public static class OnlyClaudeRouted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forge.llm.default-provider", "none", "forge.llm.routes.\"claude-*\"", "scripted");
        }
    }

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    @Test
    void unroutableModelsAreRefusedAtValidationTime() {
        // document-review uses claude-* models only: accepted
        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"reviewer\", \"flow\": \"document-review\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
        // slow-pipeline uses test-model, which nothing serves
        given().contentType(ContentType.JSON).body("{\"name\": \"slow\", \"flow\": \"slow-pipeline\"}")
                .post("/v1/assistants").then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem(startsWith("executor 'fetch' uses model 'test-model', which no provider "
                        + "serves")));
        // a run overriding the model with one nothing serves
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"x\"}, "
                        + "\"overrides\": {\"models\": {\"legal_reviewer\": \"gpt-4o\"}}}")
                .post("/v1/runs").then().statusCode(422)
                .body("errors", hasItem(startsWith("executor 'legal_reviewer' uses model 'gpt-4o'")));
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"x\"}, "
                        + "\"overrides\": {\"model\": \"claude-haiku-4-5\"}}")
                .post("/v1/runs").then().statusCode(202);
    }
}
