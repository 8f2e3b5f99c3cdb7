package dev.forge.gateway.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.ApiKeyService;
import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.config.LimitsConfig;
import dev.forge.gateway.repository.RunLimitRepository;
import dev.forge.gateway.repository.RunLimitRepository.Override;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Limits through the API: everyone reads their workspace's limits and usage; a platform admin sets and clears the
 * overrides of any workspace or assistant (a workspace's own admin cannot raise its own limits) and sees every
 * workspace's usage.
 */
@ApplicationScoped
public class LimitService {

    private static final Set<String> FIELDS = Set.of("max_concurrent", "runs_per_minute");
    private static final int MAX_CONCURRENT = 100_000;
    private static final int MAX_RATE = 1_000_000;

    private final RunLimitRepository repository;
    private final RunLimits limits;
    private final LimitsConfig defaults;
    private final Pool pool;

    public LimitService(RunLimitRepository repository, RunLimits limits, LimitsConfig defaults, Pool pool) {
        this.repository = repository;
        this.limits = limits;
        this.defaults = defaults;
        this.pool = pool;
    }

    /** Each workspace's runs now against its limits: the caller's, or every one's for a platform admin. */
    public Uni<List<ObjectNode>> usage(Caller caller) {
        return repository.usage(caller.platform() ? null : caller.workspace()).map(list -> {
            var rows = new ArrayList<ObjectNode>();
            boolean ownSeen = false;
            for (var u : list) {
                rows.add(usageView(u.workspace(), u.running(), u.queued(), u.waiting()));
                ownSeen |= u.workspace().equals(caller.workspace());
            }
            if (!ownSeen && !caller.platform()) {
                rows.add(usageView(caller.workspace(), 0, 0, 0));
            }
            return rows;
        });
    }

    private ObjectNode usageView(String workspace, long running, long queued, long waiting) {
        var e = limits.workspace(workspace);
        return JsonNodeFactory.instance.objectNode().put("workspace_id", workspace).put("running", running)
                .put("queued", queued).put("waiting", waiting).put("max_concurrent", e.maxConcurrent())
                .put("runs_per_minute", e.runsPerMinute()).put("overridden", e.overridden());
    }

    /** A workspace's limits (the defaults, its own, its assistants' overrides). */
    public Uni<ObjectNode> get(Caller caller, String workspace) {
        String of = workspace == null ? caller.workspace() : workspace;
        if (!of.equals(caller.workspace()) && !caller.platform()) {
            throw ApiProblem.forbidden("the limits of workspace '" + of + "' are for a platform admin");
        }
        return repository.all().map(all -> {
            var node = JsonNodeFactory.instance.objectNode().put("workspace_id", of);
            var d = node.putObject("defaults");
            d.putObject("workspace").put("max_concurrent", defaults.workspace().maxConcurrent())
                    .put("runs_per_minute", defaults.workspace().runsPerMinute());
            d.putObject("assistant").put("max_concurrent", defaults.assistant().maxConcurrent())
                    .put("runs_per_minute", defaults.assistant().runsPerMinute());
            var e = limits.workspace(of);
            node.putObject("workspace").put("max_concurrent", e.maxConcurrent())
                    .put("runs_per_minute", e.runsPerMinute()).put("overridden", e.overridden());
            var assistants = node.putArray("assistants");
            all.stream().filter(o -> o.scope().equals("assistant") && o.workspace().equals(of))
                    .forEach(o -> assistants.addObject().put("assistant_id", o.subject())
                            .put("max_concurrent", o.maxConcurrent()).put("runs_per_minute", o.runsPerMinute()));
            return node;
        });
    }

    /** Sets a workspace's overrides (platform admin). */
    public Uni<ObjectNode> putWorkspace(Caller caller, String workspace, JsonNode body) {
        requirePlatform(caller);
        if (workspace == null || !workspace.matches(ApiKeyService.WORKSPACE_ID)) {
            throw ApiProblem.invalid("workspace id may hold letters, digits, '-' and '_' (at most 100)");
        }
        var limit = parse(body, "workspace", workspace, workspace);
        return repository.put(limit).call(limits::reload).flatMap(x -> get(caller, workspace));
    }

    /** Sets an assistant's overrides (platform admin); the assistant may be in any workspace. */
    public Uni<ObjectNode> putAssistant(Caller caller, String id, JsonNode body) {
        requirePlatform(caller);
        UUID assistant = Requests.pathId("assistant", id);
        return workspaceOf(assistant).flatMap(workspace -> repository.put(parse(body, "assistant", id, workspace))
                .call(limits::reload).flatMap(x -> get(caller, workspace)));
    }

    public Uni<Void> clearWorkspace(Caller caller, String workspace) {
        requirePlatform(caller);
        return repository.delete("workspace", workspace).call(limits::reload).invoke(found -> {
            if (!found) {
                throw ApiProblem.notFound("workspace limit", workspace);
            }
        }).replaceWithVoid();
    }

    public Uni<Void> clearAssistant(Caller caller, String id) {
        requirePlatform(caller);
        Requests.pathId("assistant", id);
        return repository.delete("assistant", id).call(limits::reload).invoke(found -> {
            if (!found) {
                throw ApiProblem.notFound("assistant limit", id);
            }
        }).replaceWithVoid();
    }

    private Uni<String> workspaceOf(UUID assistant) {
        return pool.preparedQuery("SELECT workspace_id FROM assistants WHERE id = $1").execute(Tuple.of(assistant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiProblem.notFound("assistant", assistant.toString());
                    }
                    return rows.iterator().next().getString(0);
                });
    }

    private static Override parse(JsonNode body, String scope, String subject, String workspace) {
        var req = Requests.of(body, FIELDS);
        Integer concurrent = bounded(req, body, "max_concurrent", MAX_CONCURRENT);
        Integer rate = bounded(req, body, "runs_per_minute", MAX_RATE);
        if (!body.has("max_concurrent") && !body.has("runs_per_minute")) {
            req.error("give 'max_concurrent' and/or 'runs_per_minute' (0: no limit; null: the default)");
        }
        req.check();
        return new Override(scope, subject, workspace, concurrent, rate);
    }

    private static Integer bounded(Requests req, JsonNode body, String field, int max) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 0 || node.asLong() > max) {
            req.error("'" + field + "' must be a whole number from 0 (no limit) to " + max + ", or null (the default)");
            return null;
        }
        return node.asInt();
    }

    private static void requirePlatform(Caller caller) {
        if (!caller.platform()) {
            throw ApiProblem.forbidden("limits are set by a platform admin (an admin key with platform: true)");
        }
    }
}
