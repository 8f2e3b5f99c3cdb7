package dev.forge.langgraph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.forge.core.testing.ServiceJvm;

/**
 * LangGraph's official JS client ({@code @langchain/langgraph-sdk}, pinned in src/test/node/package-lock.json)
 * against a real gateway and worker: the node:test suite in {@code sdk.test.mjs}, and the SDK README's quick-start,
 * unchanged, which looks for a server at http://localhost:8123 and reads its key from LANGGRAPH_API_KEY.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LangGraphClientTest {

    static final String ADMIN_KEY = "lg-admin-key-0123456789abcdef01";
    private static final String DB = "forge_test_langgraph";
    private static final String SECRET = "Zm9yZ2UtbGFuZ2dyYXBoLXNlY3JldC1rZXktMzItYnk=";
    private static final int LANGGRAPH_PORT = 8123;
    private static final Path NODE = Path.of("src/test/node");

    private static ServiceJvm gateway;
    private static ServiceJvm worker;

    @BeforeAll
    static void start() throws Exception {
        // the quick-start finds its server at localhost:8123: another server there would answer in Forge's place
        assertThat(ServiceJvm.portFree(LANGGRAPH_PORT)).as("port %d is free for the gateway's LangGraph API "
                + "(stop whatever listens there, e.g. deploy/forge down)", LANGGRAPH_PORT).isTrue();
        var npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
        assertThat(npm.exit()).as("npm ci:\n%s", npm.output()).isZero();
        var settings = ServiceJvm.stackSettings(DB, SECRET);
        settings.addAll(List.of("-Dquarkus.grpc.server.port=52391", "-Dforge.auth.bootstrap-admin-key=" + ADMIN_KEY,
                "-Dforge.auth.cache-ttl=0s", "-Dforge.langgraph.port=" + LANGGRAPH_PORT,
                // the graphs a search gives default assistants: the quick-start runs the first one it finds
                "-Dforge.langgraph.graphs=document-review",
                // every run starts from an empty database
                "-Dquarkus.flyway.clean-at-start=true", "-Dquarkus.flyway.clean-disabled=false"));
        gateway = ServiceJvm.start("gateway-service", Path.of("../gateway-service/target/quarkus-app/quarkus-run.jar"),
                51391, settings);
        var workerSettings = ServiceJvm.stackSettings(DB, SECRET);
        workerSettings.addAll(List.of("-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                "-Dforge.worker.slots=4", "-Dforge.worker.heartbeat-interval=500ms",
                "-Dforge.worker.poll-interval=200ms"));
        worker = ServiceJvm.start("worker-service", Path.of("../worker-service/target/quarkus-app/quarkus-run.jar"),
                51393, workerSettings);
    }

    @AfterAll
    static void stop() throws Exception {
        for (var jvm : new ServiceJvm[] { worker, gateway }) {
            if (jvm != null) {
                jvm.close();
            }
        }
    }

    @Test
    @Order(2)
    void theOfficialClientDrivesForge() throws Exception {
        var result = run(List.of("node", "--test", "--test-reporter=spec", "--test-concurrency=1", "sdk.test.mjs"),
                Map.of("FORGE_LG_URL", "http://127.0.0.1:" + gateway.port() + "/lg", "FORGE_API_KEY", ADMIN_KEY,
                        "FORGE_REST_URL", "http://127.0.0.1:" + gateway.port()), 600);
        assertThat(result.exit()).as("node --test sdk.test.mjs:\n%s\n--- gateway log tail ---\n%s", result.output(),
                tail(gateway.log())).isZero();
        assertThat(result.output()).contains("ℹ fail 0").doesNotContain("ℹ pass 0");
    }

    @Test
    @Order(1)
    void theSdkQuickStartRunsUnchanged() throws Exception {
        var result = run(List.of("node", "quickstart.mjs"), Map.of("LANGGRAPH_API_KEY", ADMIN_KEY), 300);
        assertThat(result.exit()).as("node quickstart.mjs:\n%s\n--- gateway log tail ---\n%s", result.output(),
                tail(gateway.log())).isZero();
        // the chunks it prints: the run's metadata, its values as they grow, then the stream ends
        assertThat(result.output()).contains("event: 'metadata'", "run_id", "event: 'values'")
                .doesNotContain("event: 'error'");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        var log = Files.createTempFile("forge-langgraph-node-", ".log");
        var builder = new ProcessBuilder(new ArrayList<>(command)).directory(NODE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        var process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log,
                    StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}
