package dev.forge.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One of Forge's packaged services (its fast-jar) as a separate JVM: the tests run the same binaries the launcher
 * runs, wait for their readiness endpoint, and can kill them like a crashed pod or stop them like a rolling update.
 */
public final class ServiceJvm implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private final ServiceStartCache.Start start;

    private ServiceJvm(String name, int port, Process process, Path log, ServiceStartCache.Start start) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.start = start;
    }

    /**
     * The settings every service of a test stack shares: the test database, the shipped and test flows, the key
     * sealing secrets, and skill-service found at a static address where none listens (its calls fail fast).
     */
    public static List<String> stackSettings(String database, String secretKey) {
        return new ArrayList<>(List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                "-Dforge.flows.dirs=../config/flows,../config/test-flows", "-Dforge.secrets.key=" + secretKey,
                "-Dquarkus.stork.skill-service.service-discovery.type=static",
                "-Dquarkus.stork.skill-service.service-discovery.address-list=127.0.0.1:52491",
                // a gateway's LangGraph port (8123) is left to the stack that tests it (a later -D wins)
                "-Dforge.langgraph.port=0"));
    }

    /** Starts {@code jar} with its HTTP port on {@code preferredPort} (or a free one) and the given settings. */
    public static ServiceJvm start(String name, Path jar, int preferredPort, List<String> properties)
            throws IOException {
        return start(name, jar, preferredPort, properties, Map.of());
    }

    /** As {@link #start(String, Path, int, List)}, with {@code env} added to the environment this JVM passes on. */
    public static ServiceJvm start(String name, Path jar, int preferredPort, List<String> properties,
            Map<String, String> env) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: package " + name + " first "
                    + "(./mvnw verify builds the services before the tests that start them)");
        }
        int port = portFree(preferredPort) ? preferredPort : freePort();
        for (int attempt = 1;; attempt++) {
            var log = Files.createTempFile("forge-" + name + "-" + port + "-", ".log");
            var start = ServiceStartCache.plan(name, jar);
            var cmd = new ArrayList<>(List.of(start.java().toString()));
            cmd.addAll(start.flags());
            cmd.addAll(List.of("-Xmx256m", "-Dquarkus.http.port=" + port));
            cmd.addAll(properties);
            // absolute: the AOT cache names the class path it was recorded with, and each module's tests start
            // the jar from their own directory
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().normalize().toString()));
            var builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            var process = builder.start();
            var jvm = new ServiceJvm(name, port, process, log, start);
            try {
                jvm.awaitReady();
                return jvm;
            } catch (RuntimeException e) {
                // exited, or never ready: nothing of it may outlive the failed start
                jvm.process.destroyForcibly();
                start.abandon();
                if (!(e instanceof PortTaken)) {
                    throw e;
                }
                // the port was free when checked, then the kernel gave it to an outgoing connection (often the
                // service's own, opened during start-up): another port, a few times
                if (attempt == 3) {
                    throw new IllegalStateException(name + " found its port taken three times:\n" + jvm.log(), e);
                }
                port = freePort();
            }
        }
    }

    /** The service exited at start-up because its HTTP port was in use. */
    private static final class PortTaken extends RuntimeException {
        PortTaken() {
            super(null, null, false, false);
        }
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Whether the port can be listened on now: fixed ports in 51xxx can be taken by the kernel as the local side of
     * some other connection (that range is inside Linux's ephemeral port range).
     */
    public static boolean portFree(int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws IOException {
        var client = HttpClient.newHttpClient();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                        if (!process.isAlive()) {
                            String output = log();
                            if (output.contains("Port " + port + " seems to be in use")) {
                                throw new PortTaken();
                            }
                            throw new IllegalStateException(name + " exited during start-up:\n" + output);
                        }
                        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready after 60 s:\n" + log(), e);
        }
    }

    /** SIGKILL: no shutdown hook, no deregistration, leases left to expire. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        start.abandon();
    }

    /**
     * SIGTERM, as Kubernetes stops a pod: the service drains and deregisters before it exits. A JVM recording its
     * start-up cache writes it after the service has stopped; that is waited for in the background.
     */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            start.finish(process);
            return;
        }
        process.destroy();
        if (start.recording() == null) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return;
        }
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || stopped());
            start.finish(process);
        } catch (ConditionTimeoutException e) {
            kill();
        }
    }

    /** Quarkus logged the end of its shutdown ("… stopped in 0.101s"). */
    private boolean stopped() {
        try {
            return log().contains(" stopped in ");
        } catch (IOException e) {
            return false;
        }
    }
}
