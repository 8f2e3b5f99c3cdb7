package dev.forge.skill.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.forge.discovery.service.ServiceRegistration;
import dev.forge.discovery.testing.ConsulStandInResource;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.SkillService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** skill-service in Consul (the stand-in): its catalog entry, re-registration, and a feature flag applied live. */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class SkillDiscoveryTest {

    private static final Duration SOON = Duration.ofSeconds(5);

    @Inject
    ServiceRegistration registration;

    @GrpcClient("skills")
    SkillService grpc;

    @AfterEach
    void clearFlags() {
        ConsulStandInResource.consul().deleteKey("forge/flags/skills-disabled");
    }

    @Test
    void registersItsGrpcPortWithChecksThatPass() {
        var consul = ConsulStandInResource.consul();
        String id = registration.serviceId();
        await().atMost(SOON).until(() -> consul.service(id) != null);
        var entry = consul.service(id);
        assertThat(entry.path("Service").asText()).isEqualTo("skill-service");
        assertThat(entry.path("Port").asInt()).as("clients resolve the gRPC port").isEqualTo(52290);
        // the agent's checks reach the real readiness endpoint and the gRPC port
        await().atMost(SOON).until(() -> consul.checkStatuses(id).size() == 2
                && consul.checkStatuses(id).values().stream().allMatch("passing"::equals));
    }

    @Test
    void registersAgainWhenTheAgentRestarts() {
        var consul = ConsulStandInResource.consul();
        String id = registration.serviceId();
        await().atMost(SOON).until(() -> consul.service(id) != null);
        consul.restart();
        await().atMost(SOON).until(() -> consul.service(id) != null);
        assertThat(registration.registered()).isTrue();
    }

    @Test
    void aFlagSwitchesASkillOffAndOnWithoutRestart() {
        var consul = ConsulStandInResource.consul();
        given().contentType("application/json").body("{\"input\":\"/summarize style=bullets the report\"}")
                .post("/v1/skills/resolve").then().statusCode(200);

        consul.putKey("forge/flags/skills-disabled", "redact-pii, summarize");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> given().contentType("application/json")
                .body("{\"input\":\"/summarize the report\"}").post("/v1/skills/resolve").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("https://forge.dev/problems/skill-disabled")));
        assertThatThrownBy(() -> grpc.resolve(ResolveRequest.newBuilder().setInput("/summarize the report").build())
                .await().atMost(SOON)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        // a skill not named stays available
        given().contentType("application/json").body("{\"input\":\"/extract-tables pages=1-3\"}")
                .post("/v1/skills/resolve").then().statusCode(200);

        consul.deleteKey("forge/flags/skills-disabled");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> given().contentType("application/json")
                .body("{\"input\":\"/summarize the report\"}").post("/v1/skills/resolve").then().statusCode(200));
    }
}
