package dev.forge.worker.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

import dev.forge.core.sandbox.ChildProcesses;

/**
 * One run of a command webapp: the child process (through {@code sh -c}, so commands may use the shell), its output
 * pumped line by line into the app's logs, a readiness check on its port, and a clean stop of the whole process
 * tree. Runs on the runner's threads; {@code onExit} is told the exit code of a process nobody stopped.
 */
final class AppProcess {

    private final Process process;
    private final int port;
    private volatile boolean stopping;

    private AppProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code command} in {@code dir} with exactly {@code env} (nothing of the runner's own environment) and,
     * with a {@code uid}, as that user.
     */
    static AppProcess start(String command, Path dir, Map<String, String> env, OptionalInt uid, int port,
            AppLogs logs, IntConsumer onExit) throws IOException {
        var shell = List.of("/bin/sh", "-c", command);
        var builder = ChildProcesses.builder(uid.isPresent() ? ChildProcesses.asUser(uid.getAsInt(), shell) : shell,
                env).directory(dir.toFile());
        var process = builder.start();
        process.getOutputStream().close();
        var app = new AppProcess(process, port);
        pump(process.getInputStream(), "stdout", logs);
        pump(process.getErrorStream(), "stderr", logs);
        process.onExit().thenAccept(p -> {
            if (!app.stopping) {
                onExit.accept(p.exitValue());
            }
        });
        return app;
    }

    private static void pump(InputStream in, String stream, AppLogs logs) {
        var thread = new Thread(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    logs.add(stream, line);
                }
            } catch (IOException e) {
                // the process is gone; its streams closed with it
            }
        }, "forge-app-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Whether the app accepts connections on its port within {@code timeout}; false when it exits first. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                // not listening yet; the wait below paces the checks
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
        }
        return false;
    }

    /** SIGTERM to the process and its descendants, SIGKILL to what is left after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        stopping = true;
        var tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        for (var child : tree) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // killed below
                }
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(2, TimeUnit.SECONDS);
        }
    }
}
