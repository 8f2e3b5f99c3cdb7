package dev.forge.monitor.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.monitor.client.RunnerClient;
import dev.forge.monitor.repository.WebappRepository;
import dev.forge.monitor.repository.WebappRepository.Runner;
import dev.forge.proto.runner.v1.LogLine;
import dev.forge.proto.runner.v1.WebappStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Webapps on runners: validation, choosing a runner that can host the type, the lifecycle over the runners' gRPC
 * API, and an audit row for every lifecycle operation. Creating deploys at once; when that fails for a reason of the
 * request (a port in use, a source that cannot be fetched), nothing is left — no row, no files, no process.
 */
@ApplicationScoped
public class WebappService {

    public static final Set<String> TYPES = Set.of("gradio", "streamlit", "fastapi", "static", "docker");
    private static final Set<String> FIELDS = Set.of("slug", "name", "type", "source", "command", "port", "env");
    private static final Set<String> SOURCE_FIELDS = Set.of("git_url", "branch", "artifact_id", "path");
    private static final Set<String> ZIP_TYPES = Set.of("application/zip", "application/x-zip-compressed");
    private static final Set<String> GIT_SCHEMES = Set.of("https", "http", "ssh", "git", "file");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** A runner silent this long is not given new apps. */
    private static final double RUNNER_SILENCE_SECONDS = 30;

    private final WebappRepository repository;
    private final RunnerClient runners;
    private final AuditLog audit;

    public WebappService(WebappRepository repository, RunnerClient runners, AuditLog audit) {
        this.repository = repository;
        this.runners = runners;
        this.audit = audit;
    }

    public Uni<List<ObjectNode>> runnerViews() {
        return repository.runners().map(list -> list.stream().map(WebappService::view).toList());
    }

    public Uni<List<ObjectNode>> list() {
        return repository.list();
    }

    /** The webapp with what its runner reports now (state, port, commit, whether it is behind its branch). */
    public Uni<ObjectNode> get(String slug) {
        return require(slug).flatMap(app -> runnerOf(app).flatMap(runner -> runners.status(runner.grpcAddress(),
                slug).map(status -> withStatus(app, runner, status)).onFailure(ApiProblem.class).recoverWithItem(e -> {
                    app.put("runner_error", e.getMessage());
                    return app;
                })));
    }

    public Uni<ObjectNode> create(Caller caller, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        String slug = req.text("slug", true, 63).orElse(null);
        if (slug != null && !SLUG.matcher(slug).matches()) {
            req.error("'slug' must be lowercase letters, digits and dashes (at most 63), starting with a letter or "
                    + "digit, got '" + slug + "'");
        }
        String type = req.text("type", true, 32).orElse(null);
        if (type != null && !TYPES.contains(type)) {
            req.error("'type' must be one of " + TYPES.stream().sorted().toList() + ", got '" + type + "'");
        }
        String name = req.text("name", false, 200).orElse(slug);
        var source = req.nested("source", SOURCE_FIELDS);
        // a git repository and branch, or an uploaded zip artifact
        boolean fromArtifact = source.body().has("artifact_id");
        String gitUrl = source.text("git_url", !fromArtifact, 2048).orElse(null);
        if (gitUrl != null) {
            gitUrlProblem(gitUrl).ifPresent(req::error);
        }
        UUID artifactId = null;
        if (fromArtifact) {
            if (source.body().has("git_url") || source.body().has("branch")) {
                req.error("'source' takes either 'git_url' (and 'branch') or 'artifact_id', not both");
            }
            artifactId = source.uuid("artifact_id", true).orElse(null);
        }
        String branch = source.text("branch", false, 200).orElse("main");
        if (!BRANCH.matcher(branch).matches() || branch.contains("..")) {
            req.error("'source.branch' is not a valid branch name: '" + branch + "'");
        }
        String path = source.text("path", false, 500).orElse("");
        if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            req.error("'source.path' must be a relative path inside the repository");
        }
        String command = req.text("command", false, 2000).orElse(null);
        if (command != null && ("static".equals(type) || "docker".equals(type))) {
            req.error("a " + type + " webapp takes no 'command'");
        }
        Integer port = null;
        var portNode = body.get("port");
        if (portNode != null && !portNode.isNull()) {
            if (!portNode.canConvertToInt() || portNode.asInt() < 1024 || portNode.asInt() > 65535) {
                req.error("'port' must be a number from 1024 to 65535");
            } else if ("static".equals(type)) {
                req.error("a static webapp takes no 'port' (the runner serves it)");
            } else {
                port = portNode.asInt();
            }
        }
        var env = req.object("env");
        if (env.size() > 50) {
            req.error("'env' may hold at most 50 variables");
        }
        env.fields().forEachRemaining(e -> {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                req.error("'env." + e.getKey() + "' is not a valid variable name");
            } else if (!e.getValue().isTextual() || e.getValue().asText().length() > 4096) {
                req.error("'env." + e.getKey() + "' must be a string of at most 4096 characters");
            }
        });
        req.check();
        final Integer appPort = port;
        final UUID artifact = artifactId;
        final String gitBranch = gitUrl == null ? "main" : branch;
        return checkArtifact(artifact, caller.workspace()).flatMap(ok -> pickRunner(type)).flatMap(runner -> repository
                .insert(new WebappRepository.NewWebapp(slug, name, type, gitUrl, gitBranch, artifact, path, command,
                        appPort, env, runner.id(), caller.keyPrefix())).flatMap(inserted -> {
                    if (!inserted) {
                        throw new ApiProblem(409, "webapp-exists", "Webapp exists", "a webapp '" + slug
                                + "' exists already", null);
                    }
                    return runners.deploy(runner.grpcAddress(), slug, "create")
                            .onFailure().call(e -> undo(runner, slug))
                            .flatMap(status -> audited(caller, "created", slug, runner, status, JsonNodeFactory
                                    .instance.objectNode().put("type", type).put("git_url", gitUrl)
                                    .put("branch", gitUrl == null ? null : gitBranch)
                                    .put("artifact_id", artifact == null ? null : artifact.toString())));
                }));
    }

    public Uni<ObjectNode> start(Caller caller, String slug) {
        return lifecycle(caller, slug, "started", "running",
                (runner, app) -> runners.deploy(runner.grpcAddress(), slug, "start"));
    }

    public Uni<ObjectNode> redeploy(Caller caller, String slug) {
        return lifecycle(caller, slug, "redeployed", "running",
                (runner, app) -> runners.deploy(runner.grpcAddress(), slug, "redeploy"));
    }

    public Uni<ObjectNode> stop(Caller caller, String slug) {
        return lifecycle(caller, slug, "stopped", "stopped", (runner, app) -> runners.stop(runner.grpcAddress(),
                slug));
    }

    /** Stops the app, deletes its files on the runner and its definition, history and output. */
    public Uni<Void> delete(Caller caller, String slug) {
        return require(slug).flatMap(app -> runnerOf(app).flatMap(runner -> runners.remove(runner.grpcAddress(),
                slug).replaceWithVoid()
                .onFailure(e -> e instanceof ApiProblem p && p.status() == 503).recoverWithNull()
                .flatMap(x -> repository.delete(slug))
                .flatMap(x -> audit.by(caller, AuditLog.WEBAPP_PREFIX + "deleted", slug, JsonNodeFactory.instance
                        .objectNode().put("runner_id", runner.id().toString())))));
    }

    /** Fails with a 404 problem unless the webapp exists. */
    public Uni<Void> mustExist(String slug) {
        return require(slug).replaceWithVoid();
    }

    public Uni<List<ObjectNode>> deployments(String slug, int limit) {
        return require(slug).flatMap(app -> repository.deployments(slug, limit));
    }

    public Uni<List<ObjectNode>> logs(String slug, Long before, int limit) {
        return require(slug).flatMap(app -> repository.logs(slug, before, limit));
    }

    /** The last {@code tail} lines from the runner, then each new one. */
    public Multi<ObjectNode> follow(String slug, int tail) {
        return Multi.createFrom().uni(require(slug).flatMap(this::runnerOf))
                .onItem().transformToMultiAndConcatenate(runner -> runners.logs(runner.grpcAddress(), slug, tail, true))
                .map(WebappService::line);
    }

    private interface Action {
        Uni<WebappStatus> apply(Runner runner, ObjectNode app);
    }

    private Uni<ObjectNode> lifecycle(Caller caller, String slug, String done, String desired, Action action) {
        return require(slug).flatMap(app -> runnerOf(app).flatMap(runner -> repository.desired(slug, desired)
                .flatMap(x -> action.apply(runner, app))
                .flatMap(status -> audited(caller, done, slug, runner, status, JsonNodeFactory.instance
                        .objectNode()))));
    }

    private Uni<ObjectNode> audited(Caller caller, String done, String slug, Runner runner, WebappStatus status,
            ObjectNode details) {
        details.put("runner_id", runner.id().toString()).put("state", status.getState())
                .put("commit", status.getCommit());
        return audit.by(caller, AuditLog.WEBAPP_PREFIX + done, slug, details)
                .flatMap(x -> require(slug)).map(app -> withStatus(app, runner, status));
    }

    /** After a refused create: nothing of it stays (the runner's files and process, the row). */
    private Uni<Void> undo(Runner runner, String slug) {
        return runners.remove(runner.grpcAddress(), slug).replaceWithVoid().onFailure().recoverWithNull()
                .flatMap(x -> repository.delete(slug));
    }

    /** An artifact source must be a zip archive uploaded to the caller's workspace. */
    private Uni<Void> checkArtifact(UUID artifact, String workspace) {
        if (artifact == null) {
            return Uni.createFrom().voidItem();
        }
        return repository.artifactType(artifact, workspace).map(type -> {
            if (type.isEmpty()) {
                throw ApiProblem.invalid("'source.artifact_id': no artifact " + artifact + " in workspace "
                        + workspace);
            }
            if (!ZIP_TYPES.contains(type.get().split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
                throw ApiProblem.invalid("'source.artifact_id' must be a zip archive (application/zip), not "
                        + type.get());
            }
            return null;
        });
    }

    private Uni<Runner> pickRunner(String type) {
        return repository.runners().map(all -> {
            var live = all.stream().filter(r -> r.status().equals("active")
                    && r.silentSeconds() < RUNNER_SILENCE_SECONDS).toList();
            if (live.isEmpty()) {
                throw new ApiProblem(503, "no-runner", "No runner", "no webapp runner is running (start "
                        + "worker-service with FORGE_RUNNER_ENABLED=true)", null);
            }
            return live.stream().filter(r -> r.capabilities().contains(type))
                    .min(Comparator.comparingInt(Runner::activeWebapps))
                    .orElseThrow(() -> new ApiProblem(422, "runner-cannot-host", "No runner can host it",
                            "no running runner can host type " + type + (type.equals("docker")
                                    ? ": none reaches a Docker engine (docker CLI with /var/run/docker.sock or "
                                            + "DOCKER_HOST)"
                                    : ": none has python3") + "; runners offer "
                                    + live.stream().flatMap(r -> r.capabilities().stream()).distinct().sorted()
                                            .toList(), null));
        });
    }

    private Uni<ObjectNode> require(String slug) {
        return repository.find(slug).map(found -> found.orElseThrow(() -> ApiProblem.notFound("webapp", slug)));
    }

    private Uni<Runner> runnerOf(ObjectNode app) {
        var id = UUID.fromString(app.get("runner_id").asText());
        return repository.runner(id).map(r -> r.orElseThrow(() -> new ApiProblem(503, "runner-unavailable",
                "Runner unavailable", "runner " + id + " is not registered", null)));
    }

    private static ObjectNode withStatus(ObjectNode app, Runner runner, WebappStatus status) {
        app.put("state", status.getState());
        app.put("message", status.getMessage());
        app.put("serving_port", status.getPort() == 0 ? null : status.getPort());
        app.put("deployed_commit", status.getCommit().isEmpty() ? app.path("deployed_commit").asText(null)
                : status.getCommit());
        app.put("restarts", status.getRestarts());
        if (!status.getRemoteCommit().isEmpty()) {
            app.put("branch_head", status.getRemoteCommit());
            app.put("behind", status.getBehind());
        }
        app.put("url", runner.httpUrl() + "/apps/" + app.get("slug").asText() + "/");
        return app;
    }

    private static ObjectNode line(LogLine l) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("seq", l.getSeq());
        n.put("at", l.getAt());
        n.put("stream", l.getStream());
        n.put("line", l.getLine());
        return n;
    }

    private static ObjectNode view(Runner r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.id().toString());
        n.put("host", r.host());
        n.put("url", r.httpUrl());
        n.put("grpc_address", r.grpcAddress());
        var caps = n.putArray("capabilities");
        r.capabilities().forEach(caps::add);
        n.put("active_webapps", r.activeWebapps());
        n.put("version", r.version());
        n.put("health", !r.status().equals("active") ? "stopped" : r.silentSeconds() < RUNNER_SILENCE_SECONDS
                ? "healthy" : "silent");
        n.put("seconds_since_heartbeat", Math.round(r.silentSeconds() * 10) / 10.0);
        return n;
    }

    private static Optional<String> gitUrlProblem(String url) {
        try {
            var uri = new URI(url);
            if (uri.getScheme() == null || !GIT_SCHEMES.contains(uri.getScheme())) {
                return Optional.of("'source.git_url' must be an https, http, ssh, git or file URL");
            }
            if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
                return Optional.of("'source.git_url' must not carry credentials");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'source.git_url' is not a valid URL");
        }
    }
}
