package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.gateway.SseClient;
import dev.forge.gateway.SseClientTestPredicates;
import dev.forge.gateway.TestAuth;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.StreamRunEventsRequest;
import io.grpc.Metadata;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Token streaming: a streaming llm step's deltas reach an SSE client as they come; the message is stored once. */
@QuarkusTest
class StreamingTest {

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static JsonNode json(String text) {
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deltasStreamBeforeTheStepCommitsAndAreNotStored() throws Exception {
        try (var worker = WorkerProcess.start(51198)) {
            String assistant = given().contentType(ContentType.JSON)
                    .body("{\"name\": \"streamer\", \"flow\": \"streamed-answer\"}")
                    .post("/v1/assistants").then().statusCode(201).extract().path("id");
            // a first streamed run opens the worker's delta channel: SmallRye's RabbitMQ connector (4.33) connects an
            // outgoing channel on its first message, and deltas sent while it connects may miss the step's commit
            // (they are best effort; CI saw 2 of 16 once). What is checked here is the stream of a running worker.
            String warmUp = given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"warm up\"}}")
                    .post("/v1/runs").then().statusCode(202).extract().path("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(given().get("/v1/runs/" + warmUp)
                    .then().extract().path("status")));
            String run = given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"summarize\"}}")
                    .post("/v1/runs").then().statusCode(202).extract().path("id");
            // following from the start, while the first step waits its second
            var live = SseClient.get("/v1/runs/" + run + "/stream", TestAuth.ADMIN_KEY, null,
                    SseClientTestPredicates.END);
            assertThat(live.status()).isEqualTo(200);

            var deltas = live.events().stream().filter(e -> e.name().equals("message.delta")).toList();
            assertThat(deltas).hasSizeGreaterThan(5);
            assertThat(deltas).allSatisfy(e -> assertThat(e.id()).as("deltas carry no SSE id").isNull());
            var payloads = deltas.stream().map(e -> json(e.data()).get("data")).toList();
            assertThat(payloads).allSatisfy(p -> assertThat(p.get("executor").asText()).isEqualTo("writer"));
            assertThat(payloads.stream().map(p -> p.get("seq").asInt()).toList()).isSorted();
            String streamed = payloads.stream().map(p -> p.get("delta").asText()).collect(Collectors.joining());

            // the whole message, stored once, equals what streamed; it arrives after its deltas
            var messages = given().get("/v1/runs/" + run + "/messages").then().statusCode(200).extract().jsonPath();
            assertThat(messages.getList("executor_id", String.class)).containsOnlyOnce("writer");
            String stored = given().get("/v1/runs/" + run).then().extract().path("output");
            // deltas are best effort: on a loaded machine the last ones can reach the gateway after the stream ended
            // (they travel the broker, the run's end the database); what came is the answer's beginning, in order
            assertThat(stored).startsWith(streamed);
            assertThat(streamed).startsWith("Quarterly summary:");
            // the deltas streamed while the step ran: the first came before the step's commit. (Deltas and stored
            // events reach the gateway by different paths — the broker straight from the worker, the outbox after
            // the commit — so under load a last delta may land after step.completed: CI saw it once.)
            var names = live.names();
            int firstDelta = names.indexOf("message.delta");
            assertThat(names.subList(firstDelta, names.size())).contains("step.completed", "run.succeeded", "end");

            // a replay from the start has the stored events only
            var replay = SseClient.get("/v1/runs/" + run + "/stream", TestAuth.ADMIN_KEY, null,
                    SseClientTestPredicates.END);
            assertThat(replay.names()).doesNotContain("message.delta").contains("message", "run.succeeded");
            assertThat(replay.ids()).isEqualTo(live.ids());
        }
    }

    @GrpcClient("agent")
    AgentService grpc;

    @Test
    void grpcStreamsCarryTheDeltasWithIdZero() throws Exception {
        var headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + TestAuth.ADMIN_KEY);
        var agent = GrpcClientUtils.attachHeaders(grpc, headers);
        try (var worker = WorkerProcess.start(51199)) {
            var assistant = agent.createAssistant(CreateAssistantRequest.newBuilder()
                    .setName("g-streamer").setFlow("streamed-answer").build()).await().atMost(Duration.ofSeconds(10));
            var run = agent.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant.getId()).build()).await().atMost(Duration.ofSeconds(10));
            var events = agent.streamRunEvents(StreamRunEventsRequest.newBuilder()
                    .setRunId(run.getId()).build()).collect().asList().await().atMost(Duration.ofSeconds(30));

            var deltas = events.stream().filter(e -> e.getType().equals("message.delta")).toList();
            assertThat(deltas).hasSizeGreaterThan(5).allSatisfy(e -> assertThat(e.getId()).isZero());
            String streamed = deltas.stream().map(e -> e.getData().getFieldsOrThrow("delta").getStringValue())
                    .collect(Collectors.joining());
            assertThat(streamed).startsWith("Quarterly summary:").endsWith("every region.");
            assertThat(events.get(events.size() - 1).getType()).isEqualTo("run.succeeded");
            assertThat(events.stream().filter(e -> e.getId() > 0).map(e -> e.getId()).toList()).isSorted();
        }
    }
}
