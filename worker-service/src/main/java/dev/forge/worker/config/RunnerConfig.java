package dev.forge.worker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The webapp runner role of worker-service ({@code FORGE_RUNNER_ENABLED=true}): one image, the role chosen at
 * start-up. A runner hosts webapps and claims no runs.
 */
@ConfigMapping(prefix = "forge.runner")
public interface RunnerConfig {

    @WithDefault("false")
    boolean enabled();

    /**
     * Stable id across restarts, so its webapps come back to it: a UUID, or a stable name such as a StatefulSet pod's
     * (turned into a name-based UUID); random when unset.
     */
    Optional<String> id();

    /** Where checkouts live ({@code <workdir>/<slug>}); empty: {@code java.io.tmpdir/forge-runner}. */
    Optional<String> workdir();

    /** The host the monitor and the proxy's users reach this runner at. */
    @WithDefault("127.0.0.1")
    String advertisedHost();

    /** Ports allocated to apps that name none: the first free one in this range. */
    @WithDefault("53100")
    int portsFrom();

    @WithDefault("53999")
    int portsTo();

    /** How long an app has to accept connections on its port after it starts. */
    @WithDefault("60s")
    Duration readyTimeout();

    /** Restart backoff after a crash: doubles from the first to the most. */
    @WithDefault("1s")
    Duration restartBackoff();

    @WithDefault("30s")
    Duration restartBackoffMax();

    /** After SIGTERM to an app's process tree, how long before SIGKILL. */
    @WithDefault("5s")
    Duration stopGrace();

    /** Lines of output kept in memory per app (all are stored in webapp_logs). */
    @WithDefault("1000")
    int logLines();

    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * When the runner runs as root: command apps run each as its own unprivileged user (uid = gid, no account
     * needed), the first free one of this range, owning only the app's directory. Off: they run as root, which only
     * a throwaway single-user machine should allow.
     */
    @WithDefault("true")
    boolean appUsers();

    @WithDefault("62000")
    int appUidsFrom();

    @WithDefault("62999")
    int appUidsTo();

    /** Whether file: git URLs (repositories on the runner's own disk) may be deployed; off outside tests. */
    @WithDefault("false")
    boolean allowLocalGit();
}
