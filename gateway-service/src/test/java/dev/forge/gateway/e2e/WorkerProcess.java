package dev.forge.gateway.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A real worker-service JVM (the packaged fast-jar) on the gateway's test database: the end-to-end tests run the same
 * binary the launcher runs, and can kill it like a crashed pod.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("../worker-service/target/quarkus-app/quarkus-run.jar");

    private final int port;
    private final Process process;
    private final Path log;
    private final UUID workerId;

    static WorkerProcess start(int port) throws IOException {
        return start(port, List.of());
    }

    /** With extra {@code -D} settings, which override the defaults below. */
    static WorkerProcess start(int preferredPort, List<String> extraProperties) throws IOException {
        int port = portFree(preferredPort) ? preferredPort : freePort();
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: package worker-service first "
                    + "(./mvnw verify builds it before the gateway)");
        }
        var config = ConfigProvider.getConfig();
        String reactiveUrl = config.getValue("quarkus.datasource.reactive.url", String.class);
        String jdbcUrl = config.getValue("quarkus.datasource.jdbc.url", String.class);
        var log = Files.createTempFile("forge-worker-" + port + "-", ".log");
        var cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=" + reactiveUrl,
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dforge.flows.dirs=../config/flows,../config/test-flows",
                "-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                "-Dquarkus.s3.endpoint-override=" + dev.forge.core.testing.LocalS3.ENDPOINT,
                "-Dforge.worker.lease=3s",
                "-Dforge.worker.heartbeat-interval=500ms",
                "-Dforge.worker.reaper-interval=300ms",
                "-Dforge.worker.poll-interval=200ms"));
        var id = UUID.randomUUID();
        cmd.add("-Dforge.worker.id=" + id);
        cmd.addAll(extraProperties);
        cmd.addAll(List.of("-jar", JAR.toString()));
        var process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var worker = new WorkerProcess(port, process, log, id);
        worker.awaitReady();
        return worker;
    }

    /**
     * Whether the port can be listened on now: fixed ports in 51xxx can be taken by the kernel as the local side of
     * some other connection (that range is inside Linux's ephemeral port range).
     */
    private static boolean portFree(int port) {
        try (var socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private WorkerProcess(int port, Process process, Path log, UUID workerId) {
        this.port = port;
        this.process = process;
        this.log = log;
        this.workerId = workerId;
    }

    UUID workerId() {
        return workerId;
    }

    private void awaitReady() throws IOException {
        var client = HttpClient.newHttpClient();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("worker exited during start-up:\n"
                                    + Files.readString(log));
                        }
                        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("worker not ready after 60 s:\n" + Files.readString(log), e);
        }
    }

    /** SIGKILL: no shutdown hook, no deregistration, leases left to expire. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
