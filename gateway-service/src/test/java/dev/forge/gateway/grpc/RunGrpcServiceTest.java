package dev.forge.gateway.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.proto.run.v1.CreateRunRequest;
import dev.forge.proto.run.v1.GetRunRequest;
import dev.forge.proto.run.v1.RunOverrides;
import dev.forge.proto.run.v1.RunService;
import dev.forge.proto.run.v1.RunStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.forge.gateway.TestAuth;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class RunGrpcServiceTest {

    @GrpcClient("runs")
    RunService client;

    private RunService runs;

    @org.junit.jupiter.api.BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
        runs = withKey(TestAuth.ADMIN_KEY);
    }

    private RunService withKey(String key) {
        var headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + key);
        return io.quarkus.grpc.GrpcClientUtils.attachHeaders(client, headers);
    }

    @Test
    void createsAndGetsARun() {
        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"grpc\", \"flow\": \"support-triage\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        var input = Struct.newBuilder().putFields("ticket", Value.newBuilder().setStringValue("help").build()).build();
        var created = runs.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant).setInput(input)
                .setOverrides(RunOverrides.newBuilder().setModel("claude-haiku-4-5")).build())
                .await().atMost(Duration.ofSeconds(10));
        assertThat(created.getStatus()).isEqualTo(RunStatus.RUN_STATUS_PENDING);
        assertThat(created.getFlowName()).isEqualTo("support-triage");
        assertThat(created.getInput().getFieldsOrThrow("ticket").getStringValue()).isEqualTo("help");

        var fetched = runs.getRun(GetRunRequest.newBuilder().setRunId(created.getId()).build())
                .await().atMost(Duration.ofSeconds(10));
        assertThat(fetched.getSessionId()).isEqualTo(created.getSessionId());
    }

    @Test
    void keysAndRolesAreEnforced() {
        assertThatThrownBy(() -> client.getRun(GetRunRequest.newBuilder().setRunId("x").build())
                .await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> withKey("fk_nope_nope").getRun(GetRunRequest.newBuilder().setRunId("x").build())
                .await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        var viewer = withKey(TestAuth.key("viewer", "default"));
        assertThatThrownBy(() -> viewer.createRun(CreateRunRequest.newBuilder().build())
                .await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void errorsUseProperStatusCodes() {
        assertThatThrownBy(() -> runs.getRun(GetRunRequest.newBuilder().setRunId("nope").build())
                .await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> runs.createRun(CreateRunRequest.newBuilder().build())
                .await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("'assistant_id' is required");
                });
    }
}
