package dev.forge.worker.service;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.forge.core.json.ServiceVersion;
import dev.forge.core.sandbox.ChildProcesses;
import dev.forge.worker.client.ArchiveSource;
import dev.forge.worker.client.GitSource;
import dev.forge.worker.client.SourceFailure;
import dev.forge.worker.config.RunnerConfig;
import dev.forge.worker.repository.WebappStore;
import dev.forge.worker.repository.WebappStore.LogRecord;
import dev.forge.worker.repository.WebappStore.Webapp;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The runner role: hosts webapps from git — static sites served by the runner itself, command apps (gradio,
 * streamlit, fastapi, or the app's own command) as supervised child processes on a port it allocates, with a
 * readiness check and restarts after a crash with doubling backoff, container apps through the Docker CLI when an
 * engine is reachable. Every deploy and restart is an entry of the app's history; all output is kept and streamed.
 * Git, processes and waits block, so all of it runs on the runner's own threads.
 */
@ApplicationScoped
public class WebappRunner {

    private static final Logger LOG = Logger.getLogger(WebappRunner.class);

    /** What went wrong, for the gRPC status. */
    public enum Problem {
        NOT_FOUND, INVALID, PRECONDITION, UNAVAILABLE
    }

    public static class RunnerException extends RuntimeException {
        private final Problem problem;

        public RunnerException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** An app's state as the runner sees it. */
    public record Status(String slug, String state, int port, String commit, String message, int restarts,
            String remoteCommit, boolean behind) {

        /** An app the runner is not hosting (now). */
        static Status idle(String slug, String state) {
            return new Status(slug, state, 0, "", "", 0, "", false);
        }
    }

    /** Where the proxy sends a request for an app: a directory to serve, or a local port. */
    public record Route(Path staticRoot, int port) {
    }

    /** One line of an app's output. */
    public record OutputLine(long seq, Instant at, String stream, String text) {
    }

    private final class Hosted {
        final String slug;
        final AppLogs logs;
        volatile Webapp app;
        volatile Path root;
        volatile int port;
        /** The user the app's process runs as; -1 while it has none (static, container, or not root). */
        volatile int uid = -1;
        volatile String command;
        volatile AppProcess process;
        volatile String state = "stopped";
        volatile String commit;
        volatile String message = "";
        volatile int restarts;
        volatile Duration backoff;
        volatile ScheduledFuture<?> pendingRestart;

        Hosted(String slug) {
            this.slug = slug;
            this.logs = new AppLogs(config.logLines(),
                    line -> pendingLogs.offer(new LogRecord(slug, line.at(), line.stream(), line.text())));
            this.backoff = config.restartBackoff();
        }

        Status status() {
            return new Status(slug, state, port, commit == null ? "" : commit, message, restarts, "", false);
        }
    }

    private final RunnerConfig config;
    private final WebappStore store;
    private final GitSource git;
    private final ArchiveSource archives;
    private final int httpPort;
    private final boolean allowLocalGit;
    private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<LogRecord> pendingLogs = new LinkedBlockingQueue<>(100_000);
    private final ExecutorService work = Executors.newCachedThreadPool(r -> {
        var t = new Thread(r, "forge-runner");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "forge-runner-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile UUID id;
    private volatile Path workdir;
    private volatile List<String> capabilities = List.of();
    /** Whether command apps run as users of their own (the runner is root and may, and can, switch users). */
    private volatile boolean appUsers;
    private volatile RunnerCapabilities hostable;

    public WebappRunner(RunnerConfig config, WebappStore store, GitSource git, ArchiveSource archives,
            @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        this.archives = archives;
        this.config = config;
        this.store = store;
        this.git = git;
        this.httpPort = httpPort;
        this.allowLocalGit = config.allowLocalGit();
    }

    public boolean enabled() {
        return config.enabled() && id != null;
    }

    // start-up and shutdown observers run on the main thread, where waiting for the database is fine
    void onStart(@Observes StartupEvent event) throws IOException {
        if (!config.enabled()) {
            return;
        }
        UUID runner = config.id().map(WebappRunner::runnerId).orElseGet(UUID::randomUUID);
        workdir = Path.of(config.workdir().orElse(System.getProperty("java.io.tmpdir") + File.separator
                + "forge-runner"));
        Files.createDirectories(workdir);
        appUsers = config.appUsers() && ChildProcesses.runningAsRoot();
        if (appUsers) {
            // each app's user reaches its own directory below, and sees nothing else here; directories an earlier
            // run of the runner gave to users are taken back (their users may go to other apps now)
            ChildProcesses.traversableOnly(workdir);
            try (var apps = Files.list(workdir)) {
                for (Path dir : (Iterable<Path>) apps::iterator) {
                    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        ChildProcesses.giveTo(dir, 0);
                    }
                }
            }
        }
        hostable = new RunnerCapabilities(workdir, appUsers);
        capabilities = hostable.detect();
        String address = config.advertisedHost() + ":" + httpPort;
        store.register(runner, host(), address, "http://" + address, capabilities, ServiceVersion.current());
        id = runner;
        LOG.infof("Runner %s hosting %s, apps in %s%s", runner, capabilities, workdir, appUsers
                ? ", command apps as users " + config.appUidsFrom() + "-" + config.appUidsTo() : "");
        long beat = config.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::flushLogs, 500, 500, TimeUnit.MILLISECONDS);
        // apps that were running when this runner last stopped come back
        for (var app : store.wanted(runner)) {
            work.submit(() -> {
                try {
                    deploy(app.slug(), "start");
                } catch (RuntimeException e) {
                    LOG.warnf("Webapp %s did not come back: %s", app.slug(), e.getMessage());
                }
            });
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (id == null) {
            return;
        }
        for (var h : hosted.values()) {
            synchronized (h) {
                cancelRestart(h);
                stopProcess(h);
            }
        }
        flushLogs();
        try {
            store.stopped(id);
        } catch (RuntimeException e) {
            LOG.debugf("runner deregistration: %s", e.getMessage());
        }
        scheduler.shutdownNow();
        work.shutdownNow();
    }

    public UUID id() {
        return id;
    }

    public List<String> capabilities() {
        return capabilities;
    }

    public int activeWebapps() {
        return (int) hosted.values().stream().filter(h -> h.state.equals("running") || h.state.equals("starting"))
                .count();
    }

    /** Runs blocking runner work off the caller's thread (gRPC calls arrive on event loops). */
    public ExecutorService executor() {
        return work;
    }

    /** Fetches the source and (re)starts the app; one history entry. Bad input throws; a failing app does not. */
    public Status deploy(String slug, String trigger) {
        requireEnabled();
        var app = requireApp(slug);
        if (!id.equals(app.runnerId())) {
            throw new RunnerException(Problem.INVALID, "webapp " + slug + " is assigned to runner " + app.runnerId());
        }
        if (!capabilities.contains(app.type())) {
            throw new RunnerException(Problem.PRECONDITION, hostable.missing(app.type()));
        }
        if (app.gitUrl() != null && app.gitUrl().startsWith("file:") && !allowLocalGit) {
            throw new RunnerException(Problem.INVALID,
                    "local git URLs are disabled on this runner (forge.runner.allow-local-git)");
        }
        var h = hosted.computeIfAbsent(slug, Hosted::new);
        synchronized (h) {
            cancelRestart(h);
            stopProcess(h);
            int port = port(h, app);
            h.app = app;
            long deployment = store.deploymentStarted(slug, id, trigger);
            h.state = "deploying";
            store.state(slug, "deploying", null);
            h.logs.add("runner", trigger + ": fetching " + (app.gitUrl() != null ? app.gitUrl() + " ("
                    + app.branch() + ")" : "artifact " + app.artifactId()));
            Path src = workdir.resolve(slug).resolve("src");
            String commit;
            Path root;
            try {
                commit = fetch(app, src);
                root = src.resolve(app.path()).normalize();
                if (!root.startsWith(src) || !Files.isDirectory(root)) {
                    throw new SourceFailure("path '" + app.path() + "' is not a directory of the repository");
                }
            } catch (SourceFailure e) {
                h.state = "failed";
                h.message = e.getMessage();
                h.logs.add("runner", e.getMessage());
                store.deploymentFinished(deployment, null, "failed", e.getMessage());
                store.state(slug, "failed", null);
                throw new RunnerException(Problem.INVALID, e.getMessage());
            }
            h.commit = commit;
            h.root = root;
            h.port = port;
            h.backoff = config.restartBackoff();
            if (app.type().equals("static")) {
                h.state = "running";
                h.message = "serving " + (app.path().isEmpty() ? "the repository" : app.path()) + " at "
                        + commit.substring(0, Math.min(12, commit.length()));
                h.logs.add("runner", h.message);
                store.deploymentFinished(deployment, commit, "running", h.message);
                store.state(slug, "running", commit);
                return h.status();
            }
            h.command = AppCommands.command(app, port, root, commit);
            launch(h, deployment);
            return h.status();
        }
    }

    private Webapp requireApp(String slug) {
        return store.find(slug).orElseThrow(() -> new RunnerException(Problem.NOT_FOUND, "no webapp " + slug));
    }

    /** The app's source into {@code dir}: its branch's head, or its unpacked artifact; the version deployed. */
    private String fetch(Webapp app, Path dir) throws SourceFailure {
        if (app.gitUrl() != null) {
            return git.checkout(app.gitUrl(), app.branch(), dir);
        }
        var artifact = store.artifact(app.artifactId())
                .orElseThrow(() -> new SourceFailure("artifact " + app.artifactId() + " no longer exists"));
        return archives.unpack(artifact, dir);
    }

    /** Stops the app (its process tree); it stays defined and can be started again. */
    public Status stop(String slug) {
        requireEnabled();
        var h = hosted.get(slug);
        if (h == null) {
            requireApp(slug);
            store.state(slug, "stopped", null);
            return Status.idle(slug, "stopped");
        }
        synchronized (h) {
            cancelRestart(h);
            stopProcess(h);
            h.state = "stopped";
            h.message = "stopped";
            h.logs.add("runner", "stopped");
            store.state(slug, "stopped", null);
            return h.status();
        }
    }

    /** Stops the app and deletes its files here. */
    public Status remove(String slug) {
        requireEnabled();
        var h = hosted.remove(slug);
        if (h != null) {
            synchronized (h) {
                cancelRestart(h);
                stopProcess(h);
                h.state = "removed";
            }
        }
        try {
            GitSource.deleteTree(workdir.resolve(slug));
        } catch (IOException e) {
            LOG.warnf("Files of webapp %s not deleted: %s", slug, e.getMessage());
        }
        return Status.idle(slug, "removed");
    }

    /** The app's state, and whether its deployed commit is behind its branch (asks the remote). */
    public Status status(String slug) {
        requireEnabled();
        var h = hosted.get(slug);
        var app = requireApp(slug);
        var base = h == null ? Status.idle(slug, "stopped") : h.status();
        // an artifact is what it is; a branch may have moved on
        String remote = app.gitUrl() == null ? "" : git.remoteHead(app.gitUrl(), app.branch()).orElse("");
        boolean behind = !remote.isEmpty() && !base.commit().isEmpty() && !remote.equals(base.commit());
        return new Status(slug, base.state(), base.port(), base.commit(), base.message(), base.restarts(), remote,
                behind);
    }

    /** Where to send a request for the app, while it is served. */
    public Optional<Route> route(String slug) {
        var h = hosted.get(slug);
        if (h == null || !h.state.equals("running")) {
            return Optional.empty();
        }
        return Optional.of(h.app.type().equals("static") ? new Route(h.root, 0) : new Route(null, h.port));
    }

    /** The last {@code tail} lines, then (with follow, until the returned action is run) each new line. */
    public Runnable logs(String slug, int tail, Consumer<OutputLine> out, boolean follow) {
        requireEnabled();
        var h = hosted.get(slug);
        if (h == null) {
            requireApp(slug);
            h = hosted.computeIfAbsent(slug, Hosted::new);
        }
        Consumer<AppLogs.Line> forward = l -> out.accept(new OutputLine(l.seq(), l.at(), l.stream(), l.text()));
        return h.logs.follow(Math.max(0, tail), forward, follow);
    }

    private void launch(Hosted h, long deployment) {
        var app = h.app;
        try {
            h.state = "starting";
            store.state(h.slug, "starting", h.commit);
            h.logs.add("runner", "starting on port " + h.port + ": " + h.command);
            Path home = workdir.resolve(h.slug);
            var user = OptionalInt.empty();
            if (appUsers && !app.type().equals("docker")) {
                h.uid = uid(h);
                ChildProcesses.giveTo(home, h.uid);
                user = OptionalInt.of(h.uid);
            }
            var env = AppCommands.env(app, h.port, home, user.isPresent());
            var process = AppProcess.start(h.command, h.root, env, user, h.port, h.logs,
                    code -> work.submit(() -> exited(h, code)));
            h.process = process;
            if (process.awaitReady(config.readyTimeout())) {
                h.state = "running";
                h.message = "ready on port " + h.port;
                h.backoff = config.restartBackoff();
                h.logs.add("runner", h.message);
                store.deploymentFinished(deployment, h.commit, "running", h.message);
                store.state(h.slug, "running", h.commit);
                return;
            }
            String why = process.alive() ? "not listening on port " + h.port + " after " + config.readyTimeout()
                    .toSeconds() + " s" : "exited before it was ready";
            stopProcess(h);
            fail(h, deployment, why);
        } catch (IOException e) {
            fail(h, deployment, "could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(h, deployment, "interrupted");
        }
    }

    private void fail(Hosted h, long deployment, String why) {
        h.state = "crashed";
        h.message = why;
        h.logs.add("runner", why);
        store.deploymentFinished(deployment, h.commit, "failed", why);
        store.state(h.slug, "crashed", h.commit);
        scheduleRestart(h);
    }

    /** A process nobody stopped exited: after readiness a crash (restart it); before, launch handles it. */
    private void exited(Hosted h, int code) {
        synchronized (h) {
            if (!h.state.equals("running")) {
                h.logs.add("runner", "exited with code " + code);
                return;
            }
            h.state = "crashed";
            h.message = "exited with code " + code;
            h.logs.add("runner", h.message);
            h.process = null;
            store.state(h.slug, "crashed", null);
            scheduleRestart(h);
        }
    }

    private void scheduleRestart(Hosted h) {
        var delay = h.backoff;
        h.backoff = delay.multipliedBy(2).compareTo(config.restartBackoffMax()) > 0 ? config.restartBackoffMax()
                : delay.multipliedBy(2);
        h.logs.add("runner", "restarting in " + delay.toMillis() + " ms");
        h.pendingRestart = scheduler.schedule(() -> work.submit(() -> restart(h)), delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void restart(Hosted h) {
        synchronized (h) {
            if (hosted.get(h.slug) != h || !h.state.equals("crashed")) {
                return;
            }
            var app = store.find(h.slug);
            if (app.isEmpty() || !app.get().desired().equals("running")) {
                return;
            }
            h.restarts++;
            launch(h, store.deploymentStarted(h.slug, id, "restart"));
        }
    }

    private void cancelRestart(Hosted h) {
        var pending = h.pendingRestart;
        if (pending != null) {
            pending.cancel(false);
            h.pendingRestart = null;
        }
    }

    private void stopProcess(Hosted h) {
        var process = h.process;
        h.process = null;
        if (process == null) {
            return;
        }
        try {
            process.stop(config.stopGrace());
            if (h.app != null && h.app.type().equals("docker")) {
                AppCommands.runQuietly(List.of("docker", "rm", "-f", AppCommands.containerName(h.slug)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reclaim(h);
        }
    }

    /**
     * The app's directory back to the runner and its user free: a user owns files only while its app runs, so the
     * next app given that user finds nothing of this one's.
     */
    private void reclaim(Hosted h) {
        if (h.uid < 0) {
            return;
        }
        try {
            ChildProcesses.giveTo(workdir.resolve(h.slug), 0);
            h.uid = -1;
        } catch (IOException e) {
            // the user stays taken, so no other app is given it
            LOG.warnf("Files of webapp %s not taken back from user %d: %s", h.slug, h.uid, e.getMessage());
        }
    }

    /** The first user id of the range that no other hosted app runs as. */
    private int uid(Hosted h) {
        var taken = hosted.values().stream().filter(o -> o != h).map(o -> o.uid).toList();
        for (int uid = config.appUidsFrom(); uid <= config.appUidsTo(); uid++) {
            if (!taken.contains(uid)) {
                return uid;
            }
        }
        throw new RunnerException(Problem.PRECONDITION, "no free app user in " + config.appUidsFrom() + "-"
                + config.appUidsTo());
    }

    /** The app's own port if it names one (it must be free), else the first free one of the runner's range. */
    private int port(Hosted h, Webapp app) {
        if (app.port() != null && !app.type().equals("docker")) {
            if (!free(app.port())) {
                throw new RunnerException(Problem.INVALID, "port " + app.port() + " is in use on runner " + host());
            }
            return app.port();
        }
        var taken = hosted.values().stream().filter(o -> o != h).map(o -> o.port).toList();
        for (int p = config.portsFrom(); p <= config.portsTo(); p++) {
            if (!taken.contains(p) && free(p)) {
                return p;
            }
        }
        throw new RunnerException(Problem.PRECONDITION, "no free port in " + config.portsFrom() + "-"
                + config.portsTo());
    }

    private static boolean free(int port) {
        try (var socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A UUID as it is, or any other stable name (a StatefulSet's pod name) turned into one. */
    static UUID runnerId(String configured) {
        try {
            return UUID.fromString(configured);
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(("forge-runner:" + configured)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private void heartbeat() {
        try {
            store.heartbeat(id, activeWebapps());
        } catch (RuntimeException e) {
            LOG.debugf("runner heartbeat: %s", e.getMessage());
        }
    }

    private void flushLogs() {
        var batch = new ArrayList<LogRecord>();
        pendingLogs.drainTo(batch, 5000);
        try {
            store.logs(batch);
        } catch (RuntimeException e) {
            LOG.debugf("webapp logs not stored: %s", e.getMessage());
        }
    }

    private void requireEnabled() {
        if (!enabled()) {
            throw new RunnerException(Problem.UNAVAILABLE, "this worker-service is not a runner "
                    + "(FORGE_RUNNER_ENABLED=true starts one)");
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
