package dev.forge.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forge.core.testing.ServiceJvm;

/**
 * The services the dashboard shows, as JVMs of their packaged jars on one test database: a gateway, a worker with two
 * slots, infra-monitor watching the gateway as "local" and a webapp runner. Plus the calls the tests make behind the browser's back.
 */
final class Stack implements AutoCloseable {

    static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
    static final String DB = "forge_test_dashboard";
    static final UUID WORKER_ID = UUID.fromString("0f0f0f0f-e2e0-4000-8000-000000000001");
    static final UUID RUNNER_ID = UUID.fromString("0f0f0f0f-e2e0-4000-8000-000000000002");
    private static final String SECRET = "Zm9yZ2UtZTJlLXNlY3JldC1rZXktMzItYnl0ZXMhISE=";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final ServiceJvm gateway;
    final ServiceJvm worker;
    final ServiceJvm monitor;
    final ServiceJvm runner;

    private Stack(ServiceJvm gateway, ServiceJvm worker, ServiceJvm monitor, ServiceJvm runner) {
        this.gateway = gateway;
        this.worker = worker;
        this.monitor = monitor;
        this.runner = runner;
    }

    private static List<String> common() {
        return ServiceJvm.stackSettings(DB, SECRET);
    }

    static Stack start() throws IOException {
        var gatewayProperties = common();
        gatewayProperties.addAll(List.of("-Dquarkus.grpc.server.port=52281",
                "-Dforge.auth.bootstrap-admin-key=" + ADMIN_KEY, "-Dforge.auth.cache-ttl=0s",
                "-Dforge.gateway.worker-silence=2s",
                // the webhook test's receiver listens on loopback
                "-Dforge.webhooks.allowed-networks=127.0.0.0/8", "-Dforge.webhooks.poll-interval=200ms"));
        var gateway = ServiceJvm.start("gateway-service", Path.of("../gateway-service/target/quarkus-app/quarkus-run.jar"),
                51281, gatewayProperties);
        var workerProperties = common();
        workerProperties.addAll(List.of("-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                // one id across test runs, so the deployments view shows one node rather than every past one
                "-Dforge.worker.id=" + WORKER_ID, "-Dforge.worker.slots=2", "-Dforge.worker.heartbeat-interval=500ms", "-Dforge.worker.poll-interval=200ms"));
        var worker = ServiceJvm.start("worker-service", Path.of("../worker-service/target/quarkus-app/quarkus-run.jar"),
                51283, workerProperties);
        var monitorProperties = common();
        monitorProperties.addAll(List.of("-DGATEWAYS=local", "-DGATEWAY_LOCAL_URL=http://127.0.0.1:" + gateway.port(),
                "-DGATEWAY_LOCAL_NAME=Local gateway", "-DGATEWAY_TOKEN_LOCAL=" + ADMIN_KEY,
                "-Dforge.monitor.bus-gateway=local", "-Dforge.monitor.health-interval=1s",
                "-Dforge.monitor.deployments-interval=2s", "-Dforge.monitor.capacity-interval=1s",
                "-Dforge.auth.cache-ttl=0s"));
        var monitor = ServiceJvm.start("infra-monitor-service",
                Path.of("../infra-monitor-service/target/quarkus-app/quarkus-run.jar"), 51282, monitorProperties);
        // the worker jar again, in the runner role: the Webapps view's apps run here
        var runnerProperties = common();
        runnerProperties.addAll(List.of("-Dforge.runner.enabled=true", "-Dforge.runner.id=" + RUNNER_ID,
                "-Dforge.runner.workdir=" + Path.of("target/webapps").toAbsolutePath(),
                "-Dforge.runner.allow-local-git=true", "-Dforge.runner.heartbeat-interval=1s",
                "-Dforge.runner.ports-from=53500", "-Dforge.runner.ports-to=53599"));
        var runner = ServiceJvm.start("worker-service", Path.of("../worker-service/target/quarkus-app/quarkus-run.jar"),
                51284, runnerProperties);
        return new Stack(gateway, worker, monitor, runner);
    }

    String monitorUrl() {
        return "http://127.0.0.1:" + monitor.port();
    }

    /** A call to the gateway as its admin; the parsed answer. */
    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        return call(gateway, method, path, body);
    }

    /** A GET from the monitor's API as the admin; the parsed answer. */
    JsonNode monitor(String path) throws IOException, InterruptedException {
        return call(monitor, "GET", path, null);
    }

    private static JsonNode call(ServiceJvm service, String method, String path, String body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    String key(String role) throws IOException, InterruptedException {
        return call("POST", "/v1/api-keys", "{\"name\": \"e2e-" + role + "\", \"role\": \"" + role
                + "\", \"workspace_id\": \"default\"}").get("key").asText();
    }

    /** Starts a run of the flow; its id. */
    String run(String flow, String input) throws IOException, InterruptedException {
        String assistant = call("POST", "/v1/assistants", "{\"name\": \"e2e-" + flow + "-" + UUID.randomUUID()
                + "\", \"flow\": \"" + flow + "\"}").get("id").asText();
        return call("POST", "/v1/runs", "{\"assistant_id\": \"" + assistant + "\", \"input\": " + input + "}")
                .get("id").asText();
    }

    String status(String run) throws IOException, InterruptedException {
        return call("GET", "/v1/runs/" + run, null).get("status").asText();
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", null);
    }

    @Override
    public void close() throws InterruptedException {
        for (var jvm : new ServiceJvm[] { runner, monitor, worker, gateway }) {
            jvm.close();
        }
    }
}
