package dev.forge.gateway.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.forge.core.testing.LocalS3;
import dev.forge.core.testing.ServiceJvm;

/**
 * A real worker-service JVM (the packaged fast-jar) on the gateway's test database: the end-to-end tests run the same
 * binary the launcher runs, and can kill it like a crashed pod.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("../worker-service/target/quarkus-app/quarkus-run.jar");

    private final ServiceJvm jvm;
    private final UUID workerId;

    static WorkerProcess start(int port) throws IOException {
        return start(port, List.of());
    }

    /** With extra {@code -D} settings, which override the defaults below. */
    static WorkerProcess start(int preferredPort, List<String> extraProperties) throws IOException {
        var config = ConfigProvider.getConfig();
        String reactiveUrl = config.getValue("quarkus.datasource.reactive.url", String.class);
        String jdbcUrl = config.getValue("quarkus.datasource.jdbc.url", String.class);
        var id = UUID.randomUUID();
        var properties = new ArrayList<>(List.of(
                "-Dquarkus.datasource.reactive.url=" + reactiveUrl,
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dforge.flows.dirs=../config/flows,../config/test-flows",
                "-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                "-Dquarkus.s3.endpoint-override=" + LocalS3.ENDPOINT,
                "-Dforge.worker.lease=3s",
                "-Dforge.worker.heartbeat-interval=500ms",
                "-Dforge.worker.reaper-interval=300ms",
                "-Dforge.worker.poll-interval=200ms",
                // the skill-service the tests start (SkillServiceProcess), found through Stork's static list as
                // the launcher does it (the packaged jar's prod profile would ask Consul)
                "-Dquarkus.stork.skill-service.service-discovery.type=static",
                "-Dquarkus.stork.skill-service.service-discovery.address-list=127.0.0.1:"
                        + SkillServiceProcess.GRPC_PORT,
                "-Dforge.secrets.key=" + config.getValue("forge.secrets.key", String.class),
                "-Dforge.worker.id=" + id));
        properties.addAll(extraProperties);
        return new WorkerProcess(ServiceJvm.start("worker-service", JAR, preferredPort, properties), id);
    }

    private WorkerProcess(ServiceJvm jvm, UUID workerId) {
        this.jvm = jvm;
        this.workerId = workerId;
    }

    UUID workerId() {
        return workerId;
    }

    int port() {
        return jvm.port();
    }

    /** SIGKILL: no shutdown hook, no deregistration, leases left to expire. */
    void kill() throws InterruptedException {
        jvm.kill();
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
