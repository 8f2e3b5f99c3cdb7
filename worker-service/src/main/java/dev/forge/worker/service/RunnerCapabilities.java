package dev.forge.worker.service;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.forge.core.sandbox.ChildProcesses;

/**
 * The app types this runner can host: static always; gradio, streamlit and fastapi when python3 is on the apps' PATH
 * (and, running as root, setpriv to give each app a user of its own); docker when an engine answers.
 */
final class RunnerCapabilities {

    private final Path workdir;
    private final boolean appUsers;

    RunnerCapabilities(Path workdir, boolean appUsers) {
        this.workdir = workdir;
        this.appUsers = appUsers;
    }

    List<String> detect() {
        var out = new ArrayList<>(List.of("static"));
        // as root, command apps need setpriv to run as their own users; without it they are not offered
        if (onPath("python3") && (!appUsers || ChildProcesses.canChangeUser())) {
            out.addAll(List.of("gradio", "streamlit", "fastapi"));
        }
        if (onPath("docker") && (System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock")))
                && AppCommands.runQuietly(List.of("docker", "info")) == 0) {
            out.add("docker");
        }
        return List.copyOf(out);
    }

    /** Why this runner cannot host {@code type}. */
    String missing(String type) {
        return switch (type) {
            case "docker" -> "type docker needs a Docker engine, and none answers on this runner (docker CLI with "
                    + "/var/run/docker.sock or DOCKER_HOST)";
            case "gradio", "streamlit", "fastapi" -> onPath("python3")
                    ? "type " + type + " needs setpriv (util-linux) on a runner running as root, to run apps as "
                            + "users of their own"
                    : "type " + type + " needs python3, which this runner lacks";
            default -> "this runner cannot host type " + type;
        };
    }

    /** Whether {@code program} is on the PATH the apps get (as other users: the part of it they can reach). */
    private boolean onPath(String program) {
        String path = ChildProcesses.baseEnvironment(workdir, appUsers).get("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
