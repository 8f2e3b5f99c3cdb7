package dev.forge.gateway.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.api.service.ApiProblem;
import dev.forge.core.config.LimitsConfig;
import dev.forge.core.scheduling.PeriodicTask;
import dev.forge.gateway.repository.RunLimitRepository;
import dev.forge.gateway.repository.RunLimitRepository.Override;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

/**
 * Rate limits on run creation, per workspace and per assistant: the configured defaults, overridden through the API.
 * Counted in Redis (every gateway shares the count) over a sliding minute; one script checks both scopes and counts
 * the run in both only when both admit it, so a refused request counts nowhere. A refusal is 429 with Retry-After
 * (gRPC RESOURCE_EXHAUSTED). Where no rate limit applies, nothing is asked of Redis; where Redis cannot answer, the run
 * is let through (a limit is a guard, not a reason to stop serving) and the failure is logged.
 */
@Singleton
public class RunLimits {

    private static final Logger LOG = Logger.getLogger(RunLimits.class);
    private static final Duration REFRESH = Duration.ofSeconds(2);

    // KEYS: the workspace's current and previous window, the assistant's; ARGV: the previous window's weight, the
    // workspace's and the assistant's limit (0: none), the keys' lifetime. Answers {0} when counted, else
    // {scope 1|2, current, previous}.
    private static final String SCRIPT = """
            local weight = tonumber(ARGV[1])
            local function counts(cur, prev)
              return tonumber(redis.call('GET', cur) or '0'), tonumber(redis.call('GET', prev) or '0')
            end
            local wsLimit, asLimit = tonumber(ARGV[2]), tonumber(ARGV[3])
            if wsLimit > 0 then
              local c, p = counts(KEYS[1], KEYS[2])
              if p * weight + c + 1 > wsLimit then return {1, c, p} end
            end
            if asLimit > 0 then
              local c, p = counts(KEYS[3], KEYS[4])
              if p * weight + c + 1 > asLimit then return {2, c, p} end
            end
            if wsLimit > 0 then redis.call('INCR', KEYS[1]); redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            if asLimit > 0 then redis.call('INCR', KEYS[3]); redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
            return {0}""";

    private final RunLimitRepository repository;
    private final LimitsConfig config;
    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private volatile Map<String, Override> overrides = Map.of();
    private PeriodicTask refresh;

    public RunLimits(RunLimitRepository repository, LimitsConfig config, ReactiveRedisDataSource redis, Vertx vertx) {
        this.repository = repository;
        this.config = config;
        this.redis = redis;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        reload().subscribe().with(x -> { }, e -> LOG.warnf("Run limits not read yet: %s", e.getMessage()));
        refresh = PeriodicTask.every(vertx, REFRESH, "run limits refresh", this::reload);
    }

    void stop(@Observes ShutdownEvent event) {
        if (refresh != null) {
            refresh.cancel();
        }
    }

    /** Reads the overrides again (every 2 s, and at once after a change through this gateway). */
    public Uni<Void> reload() {
        return repository.all().invoke(list -> {
            var map = new HashMap<String, Override>();
            list.forEach(o -> map.put(o.scope() + ":" + o.subject(), o));
            overrides = Map.copyOf(map);
        }).replaceWithVoid();
    }

    /** The limits that apply to a workspace (or an assistant): overrides where set, else the defaults. */
    public record Effective(int maxConcurrent, int runsPerMinute, boolean overridden) {
    }

    public Effective workspace(String workspace) {
        return effective(overrides.get("workspace:" + workspace), config.workspace());
    }

    public Effective assistant(UUID assistant) {
        return effective(overrides.get("assistant:" + assistant), config.assistant());
    }

    private static Effective effective(Override o, LimitsConfig.Scope defaults) {
        if (o == null) {
            return new Effective(defaults.maxConcurrent(), defaults.runsPerMinute(), false);
        }
        return new Effective(o.maxConcurrent() == null ? defaults.maxConcurrent() : o.maxConcurrent(),
                o.runsPerMinute() == null ? defaults.runsPerMinute() : o.runsPerMinute(), true);
    }

    /** Does a rate limit apply to runs of this workspace's assistant? */
    public boolean rateLimited(String workspace, UUID assistant) {
        return workspace(workspace).runsPerMinute() > 0 || assistant(assistant).runsPerMinute() > 0;
    }

    /** Counts one run against the workspace's and the assistant's rates, or refuses it with 429. */
    public Uni<Void> admit(String workspace, UUID assistant) {
        if (!rateLimited(workspace, assistant)) {
            return Uni.createFrom().voidItem();
        }
        int wsLimit = workspace(workspace).runsPerMinute();
        int asLimit = assistant(assistant).runsPerMinute();
        long now = System.currentTimeMillis();
        long window = now / RateWindow.WINDOW_MILLIS;
        long elapsed = now % RateWindow.WINDOW_MILLIS;
        var args = List.of(SCRIPT, "4", key("ws", workspace, window), key("ws", workspace, window - 1),
                key("as", assistant.toString(), window), key("as", assistant.toString(), window - 1),
                Double.toString(RateWindow.previousWeight(elapsed)), Integer.toString(Math.max(wsLimit, 0)),
                Integer.toString(Math.max(asLimit, 0)), Long.toString(2 * RateWindow.WINDOW_MILLIS + 5_000));
        return redis.execute("EVAL", args.toArray(String[]::new)).onItemOrFailure().transform((answer, failure) -> {
            if (failure != null) {
                LOG.warnf("Rate limits not checked (Redis did not answer: %s); the run is let through",
                        failure.getMessage());
                return null;
            }
            refuseIfOver(answer, elapsed, workspace, assistant, wsLimit, asLimit);
            return null;
        }).replaceWithVoid();
    }

    private static void refuseIfOver(Response answer, long elapsed, String workspace, UUID assistant, int wsLimit,
            int asLimit) {
        int scope = answer.get(0).toInteger();
        if (scope == 0) {
            return;
        }
        long current = answer.get(1).toLong();
        long previous = answer.get(2).toLong();
        int limit = scope == 1 ? wsLimit : asLimit;
        long waitSeconds = Math.max(1, (RateWindow.waitMillis(current, previous, elapsed, limit) + 999) / 1000);
        String who = scope == 1 ? "workspace '" + workspace + "'" : "assistant " + assistant;
        var extensions = JsonNodeFactory.instance.objectNode().put("retry_after", waitSeconds)
                .put("limit", limit).put("scope", scope == 1 ? "workspace" : "assistant");
        throw new ApiProblem(429, "rate-limited", "Too many runs", who + " may create " + limit
                + " runs a minute; try again in " + waitSeconds + " s", null, extensions);
    }

    private static String key(String scope, String subject, long window) {
        return "forge:rate:" + scope + ":" + subject + ":" + window;
    }
}
