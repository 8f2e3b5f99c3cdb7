package dev.forge.monitor;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.forge.core.testing.LocalS3;
import dev.forge.core.testing.ServiceJvm;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The real services the monitor watches, as separate JVMs of their packaged jars: gateways (on the monitor's test
 * database, or on another one) and workers.
 */
final class Cluster {

    static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    static final String MAIN_DB = "forge_test_monitor";
    static final String OTHER_DB = "forge_test_monitor_b";
    private static final Path GATEWAY_JAR = Path.of("../gateway-service/target/quarkus-app/quarkus-run.jar");
    private static final Path WORKER_JAR = Path.of("../worker-service/target/quarkus-app/quarkus-run.jar");

    private Cluster() {
    }

    private static List<String> common(String db) {
        var secret = ConfigProvider.getConfig().getValue("forge.secrets.key", String.class);
        return new ArrayList<>(List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + db,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + db,
                "-Dforge.flows.dirs=../config/flows,../config/test-flows",
                "-Dforge.secrets.key=" + secret));
    }

    /** A gateway with the test admin key, its gRPC server on {@code grpcPort}. */
    static ServiceJvm gateway(int port, int grpcPort, String db) throws IOException {
        return gateway(port, grpcPort, db, List.of());
    }

    /** As {@link #gateway(int, int, String)}, with extra {@code -D} settings. */
    static ServiceJvm gateway(int port, int grpcPort, String db, List<String> extra) throws IOException {
        var properties = common(db);
        properties.addAll(extra);
        properties.addAll(List.of("-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dforge.auth.bootstrap-admin-key=" + ADMIN_KEY, "-Dforge.auth.cache-ttl=0s",
                "-Dforge.gateway.worker-silence=2s",
                "-Dquarkus.stork.skill-service.service-discovery.type=static",
                "-Dquarkus.stork.skill-service.service-discovery.address-list=127.0.0.1:52391"));
        return ServiceJvm.start("gateway-service", GATEWAY_JAR, port, properties);
    }

    /** A worker on the main database. */
    static ServiceJvm worker(int port, UUID id, int slots) throws IOException {
        var properties = common(MAIN_DB);
        properties.addAll(List.of("-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                "-Dforge.worker.id=" + id, "-Dforge.worker.slots=" + slots, "-Dforge.worker.lease=3s",
                "-Dforge.worker.heartbeat-interval=500ms", "-Dforge.worker.reaper-interval=300ms",
                "-Dforge.worker.poll-interval=200ms",
                "-Dquarkus.stork.skill-service.service-discovery.type=static",
                "-Dquarkus.stork.skill-service.service-discovery.address-list=127.0.0.1:52391"));
        return ServiceJvm.start("worker-service", WORKER_JAR, port, properties);
    }

    /** A worker-service in the runner role (hosting webapps, claiming no runs), its apps under {@code workdir}. */
    static ServiceJvm runner(int port, UUID id, Path workdir, Map<String, String> env) throws IOException {
        var properties = common(MAIN_DB);
        properties.addAll(List.of("-Dforge.runner.enabled=true", "-Dforge.runner.id=" + id,
                "-Dforge.runner.workdir=" + workdir.toAbsolutePath(), "-Dforge.runner.allow-local-git=true",
                "-Dforge.runner.heartbeat-interval=1s", "-Dforge.runner.restart-backoff=300ms",
                "-Dforge.runner.restart-backoff-max=2s", "-Dforge.runner.ready-timeout=20s",
                "-Dforge.runner.ports-from=53400", "-Dforge.runner.ports-to=53499",
                "-Dquarkus.s3.endpoint-override=" + LocalS3.ENDPOINT,
                "-Dquarkus.stork.skill-service.service-discovery.type=static",
                "-Dquarkus.stork.skill-service.service-discovery.address-list=127.0.0.1:52391"));
        return ServiceJvm.start("worker-service", WORKER_JAR, port, properties, env);
    }

    /** Requests to a gateway as its admin. */
    static RequestSpecification on(ServiceJvm gateway) {
        return given().baseUri("http://127.0.0.1").port(gateway.port()).header("Authorization", "Bearer " + ADMIN_KEY);
    }

    /** A key of the role in the workspace, made on the gateway (the monitor shares its api_keys table). */
    static String key(ServiceJvm gateway, String role, String workspace) {
        return on(gateway).contentType(ContentType.JSON).body("{\"name\": \"" + role + "\", \"role\": \"" + role
                + "\", \"workspace_id\": \"" + workspace + "\"}").post("/v1/api-keys").then().statusCode(201)
                .extract().path("key");
    }

    /** Starts a run of the flow on the gateway; its id. */
    static String run(ServiceJvm gateway, String flow, String input) {
        String assistant = on(gateway).contentType(ContentType.JSON)
                .body("{\"name\": \"" + flow + "-" + UUID.randomUUID() + "\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
        return on(gateway).contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", \"input\": "
                + input + "}").post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    static String status(ServiceJvm gateway, String run) {
        return on(gateway).get("/v1/runs/" + run).then().statusCode(200).extract().path("status");
    }
}
