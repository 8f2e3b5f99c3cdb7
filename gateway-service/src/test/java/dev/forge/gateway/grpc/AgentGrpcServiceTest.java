package dev.forge.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.gateway.GrpcCalls;
import dev.forge.core.testing.LocalS3;
import dev.forge.gateway.TestAuth;
import dev.forge.gateway.rest.ArtifactTest;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.AgentServiceGrpc;
import dev.forge.proto.agent.v1.CancelRunRequest;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.CreateFlowRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.CreateScheduleRequest;
import dev.forge.proto.agent.v1.CreateSessionRequest;
import dev.forge.proto.agent.v1.DeleteFlowRequest;
import dev.forge.proto.agent.v1.GetAssistantRequest;
import dev.forge.proto.agent.v1.GetFlowRequest;
import dev.forge.proto.agent.v1.GetFlowSourceRequest;
import dev.forge.proto.agent.v1.GetRunRequest;
import dev.forge.proto.agent.v1.GetSessionRequest;
import dev.forge.proto.agent.v1.ListAssistantsRequest;
import dev.forge.proto.agent.v1.ListFlowsRequest;
import dev.forge.proto.agent.v1.ListRunsRequest;
import dev.forge.proto.agent.v1.ListSchedulesRequest;
import dev.forge.proto.agent.v1.ListSessionsRequest;
import dev.forge.proto.agent.v1.ScheduleRequest;
import dev.forge.proto.agent.v1.UpdateFlowRequest;
import dev.forge.proto.agent.v1.UpdateScheduleRequest;
import dev.forge.proto.agent.v1.ValidateFlowRequest;
import dev.forge.proto.agent.v1.WaitRunRequest;
import dev.forge.proto.agent.v1.WhoAmIRequest;
import dev.forge.proto.agent.v1.ForkRunRequest;
import dev.forge.proto.agent.v1.GetRunGraphRequest;
import dev.forge.proto.agent.v1.ReplayRunRequest;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** forge.agent.v1.AgentService through a real client channel: operations, status codes, health, reflection. */
@QuarkusTest
class AgentGrpcServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @GrpcClient("agent")
    AgentService client;

    private AgentService admin;
    private ManagedChannel channel;

    @BeforeEach
    void setUp() {
        TestAuth.actAsAdmin();
        admin = withKey(TestAuth.ADMIN_KEY);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 52190).usePlaintext().build();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private AgentService withKey(String key) {
        return GrpcCalls.withKey(client, key);
    }

    private static Struct struct(String key, String value) {
        return Struct.newBuilder().putFields(key, Value.newBuilder().setStringValue(value).build()).build();
    }

    @Test
    void aRunCreatedOverGrpcRecordsTheCallersTrace() {
        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("traced")
                .setFlow("support-triage").build()).await().atMost(WAIT);
        // a plain channel: the caller's own traceparent, as a traced client in another process sends it
        var headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TestAuth.ADMIN_KEY);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + trace + "-00f067aa0ba902b7-01");
        var stub = AgentServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        var run = stub.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant.getId()).build());
        String recorded = pool.preparedQuery("SELECT trace_parent FROM runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(run.getId())))
                .await().atMost(WAIT).iterator().next().getString("trace_parent");
        // the same trace, continued by the gateway's server span
        assertThat(recorded).startsWith("00-" + trace + "-").doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void assistantsSessionsAndRuns() {
        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("grpc")
                .setFlow("support-triage").setMetadata(struct("team", "ops")).build()).await().atMost(WAIT);
        assertThat(assistant.getFlow().getName()).isEqualTo("support-triage");
        assertThat(assistant.getVersion()).isEqualTo(1);
        assertThat(admin.getAssistant(GetAssistantRequest.newBuilder().setId(assistant.getId()).build())
                .await().atMost(WAIT).getMetadata().getFieldsOrThrow("team").getStringValue()).isEqualTo("ops");
        assertThat(admin.listAssistants(ListAssistantsRequest.newBuilder().setName("grp").build())
                .await().atMost(WAIT).getAssistantsList()).extracting(a -> a.getId()).contains(assistant.getId());

        var session = admin.createSession(CreateSessionRequest.newBuilder().setAssistantId(assistant.getId())
                .build()).await().atMost(WAIT);
        assertThat(session.getStatus()).isEqualTo("idle");
        assertThat(admin.getSession(GetSessionRequest.newBuilder().setId(session.getId()).build())
                .await().atMost(WAIT).getAssistantId()).isEqualTo(assistant.getId());
        assertThat(admin.listSessions(ListSessionsRequest.newBuilder().setAssistantId(assistant.getId()).build())
                .await().atMost(WAIT).getSessionsCount()).isEqualTo(1);

        var run = admin.createRun(CreateRunRequest.newBuilder().setSessionId(session.getId())
                .setInput(struct("ticket", "help")).build()).await().atMost(WAIT);
        assertThat(run.getStatus()).isEqualTo("pending");
        assertThat(run.getInput().getFieldsOrThrow("ticket").getStringValue()).isEqualTo("help");
        assertThat(admin.getRun(GetRunRequest.newBuilder().setId(run.getId()).build()).await().atMost(WAIT)
                .getSessionId()).isEqualTo(session.getId());

        // a busy session under "reject"
        assertThat(GrpcCalls.code(() -> admin.createRun(CreateRunRequest.newBuilder().setSessionId(session.getId())
                .setMultitaskStrategy("reject").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        // waiting on a run nobody executes times out with the run as it is
        assertThat(admin.waitRun(WaitRunRequest.newBuilder().setId(run.getId()).setTimeoutSeconds(1).build())
                .await().atMost(WAIT).getStatus()).isEqualTo("pending");
        // cancel: pending → cancelled; again → FAILED_PRECONDITION
        assertThat(admin.cancelRun(CancelRunRequest.newBuilder().setId(run.getId()).build()).await().atMost(WAIT)
                .getStatus()).isEqualTo("cancelled");
        assertThat(GrpcCalls.code(() -> admin.cancelRun(CancelRunRequest.newBuilder().setId(run.getId()).build())
                .await().atMost(WAIT))).isEqualTo(Status.Code.FAILED_PRECONDITION);

        // paging
        for (int i = 0; i < 3; i++) {
            admin.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant.getId()).build())
                    .await().atMost(WAIT);
        }
        var page = admin.listRuns(ListRunsRequest.newBuilder().setLimit(2).build()).await().atMost(WAIT);
        assertThat(page.getRunsCount()).isEqualTo(2);
        assertThat(page.getNextCursor()).isNotEmpty();
        var next = admin.listRuns(ListRunsRequest.newBuilder().setLimit(2).setCursor(page.getNextCursor()).build())
                .await().atMost(WAIT);
        assertThat(next.getRunsList()).extracting(r -> r.getId())
                .doesNotContainAnyElementsOf(page.getRunsList().stream().map(r -> r.getId()).toList());
    }

    @Test
    void aRunReadsUploadedArtifactsNamedOverGrpc() {
        LocalS3.ensureStarted();
        String artifact = ArtifactTest.upload("contract.txt", "text/plain",
                "This agreement limits liability.".getBytes(StandardCharsets.UTF_8));
        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("grpc-files")
                .setFlow("document-review").build()).await().atMost(WAIT);
        var run = admin.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant.getId())
                .addArtifacts(artifact).build()).await().atMost(WAIT);
        assertThat(run.getArtifactsList()).singleElement().satisfies(a -> {
            assertThat(a.getId()).isEqualTo(artifact);
            assertThat(a.getName()).isEqualTo("contract.txt");
            assertThat(a.getSizeBytes()).isEqualTo(32);
        });
        // an id that names no artifact of the workspace: refused as over REST, nothing written
        assertThat(GrpcCalls.code(() -> admin.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant.getId())
                .addArtifacts("6a1f0f43-0000-4000-8000-000000000000").build()).await().atMost(WAIT)))
                .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
    }

    @Test
    void whoAmIForkReplayAndGraphShareTheRestRules() {
        var me = admin.whoAmI(WhoAmIRequest.getDefaultInstance()).await().atMost(WAIT);
        assertThat(me.getRole()).isEqualTo("admin");
        assertThat(me.getWorkspaceId()).isEqualTo("default");
        assertThat(me.getKeyPrefix()).isNotBlank();
        assertThat(TestAuth.ADMIN_KEY).doesNotContain(me.getKeyId());
        var viewer = withKey(TestAuth.key("viewer", "default"));
        assertThat(viewer.whoAmI(WhoAmIRequest.getDefaultInstance()).await().atMost(WAIT).getRole())
                .isEqualTo("viewer");
        assertThat(GrpcCalls.code(() -> client.whoAmI(WhoAmIRequest.getDefaultInstance()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);

        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("grpc-fork")
                .setFlow("support-triage").build()).await().atMost(WAIT);
        var run = admin.createRun(CreateRunRequest.newBuilder().setAssistantId(assistant.getId()).build())
                .await().atMost(WAIT);
        // no checkpoint yet (nobody executes runs here): a fork from step 0 is refused as over REST
        assertThat(GrpcCalls.code(() -> admin.forkRun(ForkRunRequest.newBuilder().setId(run.getId()).setStep(0)
                .build()).await().atMost(WAIT))).isIn(Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND);
        assertThat(GrpcCalls.code(() -> admin.forkRun(ForkRunRequest.newBuilder().setId(run.getId()).setStep(-1)
                .build()).await().atMost(WAIT))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.code(() -> viewer.replayRun(ReplayRunRequest.newBuilder().setId(run.getId())
                .build()).await().atMost(WAIT))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcCalls.code(() -> admin.replayRun(ReplayRunRequest.newBuilder()
                .setId("6a1f0f43-0000-4000-8000-000000000000").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.NOT_FOUND);

        var graph = viewer.getRunGraph(GetRunGraphRequest.newBuilder().setId(run.getId()).build())
                .await().atMost(WAIT);
        assertThat(graph.getFormat()).isEqualTo("mermaid");
        assertThat(graph.getText()).startsWith("flowchart");
        assertThat(admin.getRunGraph(GetRunGraphRequest.newBuilder().setId(run.getId()).setFormat("dot").build())
                .await().atMost(WAIT).getText()).startsWith("digraph");
        assertThat(GrpcCalls.code(() -> admin.getRunGraph(GetRunGraphRequest.newBuilder().setId(run.getId())
                .setFormat("svg").build()).await().atMost(WAIT))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void flowsThroughGrpcShareTheRestRules() {
        String name = "grpc-flow-" + UUID.randomUUID().toString().substring(0, 8);
        String source = "name: " + name + "\nexecutors:\n  - id: only\n    type: llm\n    model: claude-haiku-4-5\n"
                + "    prompt: hi\n";
        var created = admin.createFlow(CreateFlowRequest.newBuilder().setSource(source).build()).await().atMost(WAIT);
        assertThat(created.getOrigin()).isEqualTo("workspace");
        assertThat(created.getVersionNumber()).isEqualTo(1);
        assertThat(admin.listFlows(ListFlowsRequest.getDefaultInstance()).await().atMost(WAIT).getFlowsList())
                .extracting(f -> f.getName()).contains(name, "support-triage");
        assertThat(admin.getFlowSource(GetFlowSourceRequest.newBuilder().setName(name)
                .setVersion(created.getVersion()).build()).await().atMost(WAIT).getSource()).isEqualTo(source);
        // the same problems, with their lines, as INVALID_ARGUMENT; a system flow is not the API's to change
        var invalid = assertThatThrownBy(() -> admin.validateFlow(ValidateFlowRequest.newBuilder()
                .setSource("name: x\nexecutors:\n  - id: a\n    type: teleport\n").build()).await().atMost(WAIT));
        invalid.isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("line 4");
        assertThat(GrpcCalls.code(() -> admin.updateFlow(UpdateFlowRequest.newBuilder().setName("support-triage")
                .setSource(source.replace(name, "support-triage")).build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcCalls.code(() -> withKey(TestAuth.key("viewer", "default")).createFlow(CreateFlowRequest.newBuilder()
                .setSource(source).build()).await().atMost(WAIT))).isEqualTo(Status.Code.PERMISSION_DENIED);
        admin.deleteFlow(DeleteFlowRequest.newBuilder().setName(name).build()).await().atMost(WAIT);
        assertThat(GrpcCalls.code(() -> admin.getFlow(GetFlowRequest.newBuilder().setName(name).build()).await()
                .atMost(WAIT))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void idempotencyKeys() {
        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("idem")
                .setFlow("support-triage").build()).await().atMost(WAIT);
        var request = CreateRunRequest.newBuilder().setAssistantId(assistant.getId()).setInput(struct("a", "1"))
                .setIdempotencyKey("grpc-key-1").build();
        var first = admin.createRun(request).await().atMost(WAIT);
        assertThat(admin.createRun(request).await().atMost(WAIT).getId()).isEqualTo(first.getId());
        assertThat(GrpcCalls.code(() -> admin.createRun(request.toBuilder().setInput(struct("a", "2")).build())
                .await().atMost(WAIT))).isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void statusCodes() {
        assertThat(GrpcCalls.code(() -> client.getRun(GetRunRequest.newBuilder().setId("x").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(GrpcCalls.code(() -> withKey("fk_bad_key").getRun(GetRunRequest.newBuilder().setId("x").build())
                .await().atMost(WAIT))).isEqualTo(Status.Code.UNAUTHENTICATED);
        var viewer = withKey(TestAuth.key("viewer", "default"));
        assertThat(GrpcCalls.code(() -> viewer.createRun(CreateRunRequest.newBuilder().build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcCalls.code(() -> viewer.listRuns(ListRunsRequest.newBuilder().build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.OK);
        assertThat(GrpcCalls.code(() -> admin.getRun(GetRunRequest.newBuilder()
                .setId("6a1f0f43-0000-4000-8000-000000000000").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThatThrownBy(() -> admin.createRun(CreateRunRequest.newBuilder().build()).await().atMost(WAIT))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("'assistant_id' is required");
                });
        // a run's webhook follows the REST rules: a private address is refused before anything is written
        assertThatThrownBy(() -> admin.createRun(CreateRunRequest.newBuilder()
                .setAssistantId("6a1f0f43-0000-4000-8000-000000000000").setWebhook("http://10.0.0.7/hook").build())
                .await().atMost(WAIT))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("10.0.0.7 is a private address");
                });
        assertThat(GrpcCalls.code(() -> admin.createAssistant(CreateAssistantRequest.newBuilder().setName("x").setFlow("nope")
                .build()).await().atMost(WAIT))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.code(() -> admin.listRuns(ListRunsRequest.newBuilder().setStatus("x' OR 1=1").build())
                .await().atMost(WAIT))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void healthAndReflectionAreServed() throws Exception {
        var health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        var services = new CompletableFuture<List<String>>();
        var requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(s -> s.getName()).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(services.get(10, TimeUnit.SECONDS)).contains("forge.agent.v1.AgentService",
                "grpc.health.v1.Health");
    }

    @Test
    void schedulesAreMadeReadPausedAndDeletedOverGrpcWithTheRestRules() {
        var assistant = admin.createAssistant(CreateAssistantRequest.newBuilder().setName("grpc-scheduled")
                .setFlow("support-triage").build()).await().atMost(WAIT);
        var created = admin.createSchedule(CreateScheduleRequest.newBuilder().setName("grpc-" + UUID.randomUUID()
                .toString().substring(0, 8)).setAssistantId(assistant.getId()).setCron("0 6 * * *")
                .setTimezone("America/New_York").setInput(struct("ticket", "morning")).build()).await().atMost(WAIT);
        assertThat(created.getNextFireTimesList()).hasSize(5);
        assertThat(created.getMisfirePolicy()).isEqualTo("run_once");
        assertThat(java.time.Instant.parse(created.getNextFireAt()).atZone(java.time.ZoneId.of("America/New_York"))
                .getHour()).isEqualTo(6);
        var paused = admin.pauseSchedule(ScheduleRequest.newBuilder().setId(created.getId()).build())
                .await().atMost(WAIT);
        assertThat(paused.getPaused()).isTrue();
        var changed = admin.updateSchedule(UpdateScheduleRequest.newBuilder().setId(created.getId())
                .setInterval("30m").build()).await().atMost(WAIT);
        assertThat(changed.getIntervalSeconds()).isEqualTo(1800);
        assertThat(changed.getCron()).isEmpty();
        assertThat(admin.listSchedules(ListSchedulesRequest.newBuilder().setAssistantId(assistant.getId()).build())
                .await().atMost(WAIT).getSchedulesList()).extracting(s -> s.getId()).containsExactly(created.getId());
        // the REST rules: a bad expression is INVALID_ARGUMENT, a viewer cannot make one, an unknown id NOT_FOUND
        assertThat(GrpcCalls.code(() -> admin.createSchedule(CreateScheduleRequest.newBuilder().setName("bad")
                .setAssistantId(assistant.getId()).setCron("99 * * * *").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        var viewer = withKey(TestAuth.key("viewer", "default"));
        assertThat(GrpcCalls.code(() -> viewer.createSchedule(CreateScheduleRequest.newBuilder().setName("viewer")
                .setAssistantId(assistant.getId()).setInterval("1h").build()).await().atMost(WAIT)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        admin.deleteSchedule(ScheduleRequest.newBuilder().setId(created.getId()).build()).await().atMost(WAIT);
        assertThat(GrpcCalls.code(() -> admin.getSchedule(ScheduleRequest.newBuilder().setId(created.getId())
                .build()).await().atMost(WAIT))).isEqualTo(Status.Code.NOT_FOUND);
    }
}
