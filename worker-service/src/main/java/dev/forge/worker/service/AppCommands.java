package dev.forge.worker.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.forge.core.sandbox.ChildProcesses;
import dev.forge.worker.repository.WebappStore.Webapp;
import dev.forge.worker.service.WebappRunner.Problem;
import dev.forge.worker.service.WebappRunner.RunnerException;

/**
 * What a hosted app is started with: its command (its own, the type's usual one, or {@code docker run} of the image
 * built from its files) and its whole environment, which holds nothing of the runner's own.
 */
final class AppCommands {

    private AppCommands() {
    }

    /** The app's command: its own, or the type's usual one serving under /apps/{slug}. */
    static String command(Webapp app, int port, Path root, String commit) {
        if (app.type().equals("docker")) {
            String image = "forge-webapp-" + app.slug() + ":" + commit.substring(0, Math.min(12, commit.length()));
            int containerPort = app.port() == null ? 8080 : app.port();
            if (runQuietly(List.of("docker", "build", "-t", image, root.toString())) != 0) {
                throw new RunnerException(Problem.INVALID, "docker build failed for " + app.slug());
            }
            var run = new StringBuilder("exec docker run --rm --name ").append(containerName(app.slug()))
                    .append(" -p 127.0.0.1:").append(port).append(':').append(containerPort);
            app.env().keySet().forEach(k -> run.append(" -e ").append(k));
            return run.append(' ').append(image).toString();
        }
        if (app.command() != null && !app.command().isBlank()) {
            return app.command();
        }
        String base = "/apps/" + app.slug();
        return switch (app.type()) {
            case "gradio" -> "exec python3 app.py";
            case "streamlit" -> "exec python3 -m streamlit run app.py --server.port " + port
                    + " --server.address 127.0.0.1 --server.headless true --server.baseUrlPath " + base.substring(1);
            case "fastapi" -> "exec python3 -m uvicorn main:app --host 127.0.0.1 --port " + port + " --root-path "
                    + base;
            default -> throw new RunnerException(Problem.INVALID, "type " + app.type() + " has no command");
        };
    }

    /**
     * An app's whole environment: the allowlist of {@link ChildProcesses#baseEnvironment} with HOME its own
     * directory, PORT, the type's variables and its declared env; nothing else of the runner's. A container app's
     * {@code docker run -e NAME} passes its declared names only; the CLI itself may need the engine's address.
     */
    static Map<String, String> env(Webapp app, int port, Path home, boolean otherUser) {
        var env = new LinkedHashMap<>(ChildProcesses.baseEnvironment(home, otherUser));
        if (app.type().equals("docker")) {
            env.putAll(dockerVariables());
        }
        if (otherUser) {
            // no account exists for the app's uid: tools that ask who they are (Python's getpass) read these first
            env.put("USER", "app-" + app.slug());
            env.put("LOGNAME", "app-" + app.slug());
        }
        env.putAll(app.env());
        env.put("PORT", String.valueOf(port));
        String base = "/apps/" + app.slug();
        env.put("FORGE_BASE_PATH", base);
        env.put("GRADIO_SERVER_NAME", "127.0.0.1");
        env.put("GRADIO_SERVER_PORT", String.valueOf(port));
        env.put("GRADIO_ROOT_PATH", base);
        return env;
    }

    static String containerName(String slug) {
        return "forge-webapp-" + slug;
    }

    /** What the Docker CLI needs to reach its engine; nothing else of the runner's environment. */
    private static Map<String, String> dockerVariables() {
        var env = new LinkedHashMap<String, String>();
        for (String name : List.of("DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY")) {
            Optional.ofNullable(System.getenv(name)).ifPresent(v -> env.put(name, v));
        }
        return env;
    }

    /**
     * Runs a Docker CLI command (build, info, rm) to its end, output discarded. A build reads the app's files, so the
     * CLI gets the allowlist and the engine's variables (HOME is the runner's, for the CLI's own configuration).
     */
    static int runQuietly(List<String> command) {
        var env = new LinkedHashMap<>(ChildProcesses.baseEnvironment(Path.of(System.getProperty("user.home")),
                false));
        env.putAll(dockerVariables());
        try {
            var process = ChildProcesses.builder(command, env).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.MINUTES) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
