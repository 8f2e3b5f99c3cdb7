package dev.forge.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged {@code forge} command run as a user runs it: a separate JVM from cli/target/forge-cli.jar with its
 * settings in the environment, stdout and stderr captured, or under {@code script(1)} in a pseudo-terminal.
 */
final class Cli {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of("target/forge-cli.jar");

    record Result(int exit, String out, String err) {
        JsonNode json() {
            return parse(out);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private final Map<String, String> env = new HashMap<>();

    Cli(ForgeStack stack, String key, Path config) {
        env.put("FORGE_URL", "http://127.0.0.1:" + ForgeStack.GRPC_PORT);
        env.put("FORGE_REST_URL", stack.restUrl());
        env.put("FORGE_MONITOR_URL", stack.monitorUrl());
        if (key != null) {
            env.put("FORGE_API_KEY", key);
        }
        env.put("FORGE_CONFIG", config.toString());
    }

    Cli with(String name, String value) {
        var copy = new Cli(env);
        copy.env.put(name, value);
        return copy;
    }

    Cli without(String name) {
        var copy = new Cli(env);
        copy.env.remove(name);
        return copy;
    }

    private Cli(Map<String, String> env) {
        this.env.putAll(env);
    }

    static List<String> java() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString());
    }

    /** {@code forge args…} with stdin closed (not a terminal): its exit code and output. */
    Result run(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(java());
        command.addAll(List.of(args));
        return exec(command, null);
    }

    /**
     * {@code forge args…} in a pseudo-terminal of 100 columns (util-linux script); once the screen shows
     * {@code prompt}, {@code input} is typed (as a person types after reading the question). The terminal's output as
     * the program drew it, escape sequences included.
     */
    Result inTerminal(String prompt, String input, String... args) throws IOException, InterruptedException {
        var line = new StringBuilder("stty cols 100 rows 40; exec");
        for (String part : java()) {
            line.append(' ').append(quote(part));
        }
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        var command = List.of("script", "-qefc", line.toString(), "/dev/null");
        return exec(command, prompt, input);
    }

    private Result exec(List<String> command, String input) throws IOException, InterruptedException {
        return exec(command, null, input);
    }

    private Result exec(List<String> command, String prompt, String input) throws IOException, InterruptedException {
        var out = Files.createTempFile("forge-cli-out", ".txt");
        var err = Files.createTempFile("forge-cli-err", ".txt");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().remove("NO_COLOR");
        var process = builder.start();
        var stdin = process.getOutputStream();
        if (prompt != null) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains(prompt)
                    || !process.isAlive());
        }
        if (input != null) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        stdin.close();
        if (!finished) {
            process.destroyForcibly();
            throw new AssertionError("forge " + command + " did not finish in 120 s: " + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
