package dev.forge.gateway.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import dev.forge.core.testing.ServiceJvm;

/**
 * A real skill-service JVM serving the shipped skills plus a workspace directory the test writes; its gRPC port is
 * the one the gateway's and the workers' Stork static list name.
 */
final class SkillServiceProcess {

    static final int GRPC_PORT = 52391;
    static final Path WORKSPACE = Path.of("target/e2e-skills").toAbsolutePath();
    private static final Path JAR = Path.of("../skill-service/target/quarkus-app/quarkus-run.jar");

    private SkillServiceProcess() {
    }

    static ServiceJvm start(List<String> extraProperties) throws IOException {
        Files.createDirectories(WORKSPACE);
        var properties = new ArrayList<>(List.of(
                "-Dquarkus.grpc.server.port=" + GRPC_PORT,
                "-Dforge.skills.system-dir=../config/skills",
                "-Dforge.skills.workspace-dir=" + WORKSPACE,
                "-Dforge.skills.reload-debounce=100ms"));
        properties.addAll(extraProperties);
        return ServiceJvm.start("skill-service", JAR, 51391, properties);
    }

    /** Writes a workspace skill's SKILL.md whole (write, then move), as an editor saving it would. */
    static void writeSkill(String name, String content) throws IOException {
        Path dir = WORKSPACE.resolve(name);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(WORKSPACE, ".skill", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve("SKILL.md"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
