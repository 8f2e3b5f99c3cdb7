package dev.forge.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.forge.core.testing.ServiceJvm;

/**
 * What the CLI talks to, as JVMs of the packaged services on one test database: a gateway (REST and gRPC), a worker
 * with the scripted model, and infra-monitor watching the gateway.
 */
final class ForgeStack implements AutoCloseable {

    static final String ADMIN_KEY = "cli-admin-key-0123456789abcdef";
    static final String DB = "forge_test_cli";
    static final int GRPC_PORT = 52381;
    private static final String SECRET = "Zm9yZ2UtY2xpLXNlY3JldC1rZXktMzItYnl0ZXMhISE=";

    ServiceJvm gateway;
    final ServiceJvm worker;
    final ServiceJvm monitor;

    private ForgeStack(ServiceJvm gateway, ServiceJvm worker, ServiceJvm monitor) {
        this.gateway = gateway;
        this.worker = worker;
        this.monitor = monitor;
    }

    private static List<String> common() {
        return ServiceJvm.stackSettings(DB, SECRET);
    }

    static ForgeStack start() throws IOException {
        var gateway = startGateway();
        var worker = common();
        worker.addAll(List.of("-Dforge.llm.scripted.rules-file=../config/llm/scripted.yaml",
                "-Dforge.worker.slots=2", "-Dforge.worker.heartbeat-interval=500ms",
                "-Dforge.worker.poll-interval=200ms"));
        var workerJvm = ServiceJvm.start("worker-service",
                Path.of("../worker-service/target/quarkus-app/quarkus-run.jar"), 51383, worker);
        var monitor = common();
        monitor.addAll(List.of("-DGATEWAYS=local", "-DGATEWAY_LOCAL_URL=http://127.0.0.1:" + gateway.port(),
                "-DGATEWAY_TOKEN_LOCAL=" + ADMIN_KEY, "-Dforge.monitor.bus-gateway=local",
                "-Dforge.monitor.health-interval=1s", "-Dforge.monitor.capacity-interval=1s",
                "-Dforge.auth.cache-ttl=0s"));
        var monitorJvm = ServiceJvm.start("infra-monitor-service",
                Path.of("../infra-monitor-service/target/quarkus-app/quarkus-run.jar"), 51382, monitor);
        return new ForgeStack(gateway, workerJvm, monitorJvm);
    }

    static ServiceJvm startGateway() throws IOException {
        var gateway = common();
        gateway.addAll(List.of("-Dquarkus.grpc.server.port=" + GRPC_PORT, "-Dforge.auth.bootstrap-admin-key="
                + ADMIN_KEY, "-Dforge.auth.cache-ttl=0s", "-Dforge.gateway.worker-silence=2s"));
        return ServiceJvm.start("gateway-service", Path.of("../gateway-service/target/quarkus-app/quarkus-run.jar"),
                51381, gateway);
    }

    /** A gateway stop and start on the same ports: what a follower sees when its connection drops. */
    void restartGateway() throws IOException, InterruptedException {
        gateway.close();
        gateway = startGateway();
    }

    String restUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    String monitorUrl() {
        return "http://127.0.0.1:" + monitor.port();
    }

    @Override
    public void close() throws InterruptedException {
        for (var jvm : new ServiceJvm[] { monitor, worker, gateway }) {
            jvm.close();
        }
    }
}
