package dev.forge.api.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.config.AuthConfig;
import dev.forge.api.repository.ApiKeyRepository;
import dev.forge.api.repository.OnVertxContext;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.auth.ApiKeys;
import dev.forge.core.auth.Role;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/** Creates, lists, revokes and verifies API keys. Secrets are returned once, at creation, and never logged. */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    /** What a workspace id may be: letters, digits, '-' and '_', at most 100. */
    public static final String WORKSPACE_ID = "[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}";

    private static final Set<String> FIELDS = Set.of("name", "role", "workspace_id", "platform");

    /** A verified key and until when it is trusted without a lookup. */
    private record Cached(Optional<Caller> caller, Instant until) {
    }

    private final ApiKeyRepository keys;
    private final AuthConfig config;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyRepository keys, AuthConfig config) {
        this.keys = keys;
        this.config = config;
    }

    void bootstrap(@Observes StartupEvent event) {
        var key = config.bootstrapAdminKey().filter(k -> !k.isBlank());
        if (key.isEmpty()) {
            return;
        }
        if (key.get().length() < 16) {
            throw new IllegalStateException("forge.auth.bootstrap-admin-key must be at least 16 characters");
        }
        // start-up observer on the main thread, which may wait
        boolean inserted = OnVertxContext.run(() -> keys.insertIfAbsent(config.bootstrapWorkspace(),
                "bootstrap admin", Role.ADMIN.wireName(), ApiKeys.prefix(key.get()), ApiKeys.hash(key.get())))
                .await().atMost(Duration.ofSeconds(30));
        if (inserted) {
            LOG.infof("Provisioned the bootstrap admin key %s for workspace %s", ApiKeys.prefix(key.get()),
                    config.bootstrapWorkspace());
        }
    }

    /** The caller a bearer token stands for, if it is a live key. */
    public Uni<Optional<Caller>> authenticate(String token) {
        String hash = ApiKeys.hash(token);
        var cached = cache.get(hash);
        if (cached != null && cached.until().isAfter(Instant.now())) {
            return Uni.createFrom().item(cached.caller());
        }
        // the auth filter runs on a worker thread in front of blocking endpoints
        return OnVertxContext.run(() -> keys.findLive(hash)).map(row -> {
            Optional<Caller> caller = row.map(k -> new Caller(k.id(), k.workspace(),
                    Role.fromWire(k.role()).orElseThrow(), k.prefix(), k.platform()));
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(hash, new Cached(caller, Instant.now().plus(config.cacheTtl())));
            return caller;
        });
    }

    public Uni<ObjectNode> create(Caller admin, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        var name = req.text("name", true, 200);
        var roleText = req.text("role", true, 20);
        var workspace = req.text("workspace_id", false, 100).orElse(admin.workspace());
        Optional<Role> role = roleText.flatMap(Role::fromWire);
        if (roleText.isPresent() && role.isEmpty()) {
            req.error("'role' must be one of admin, operator, developer, viewer");
        }
        if (!workspace.matches(WORKSPACE_ID)) {
            req.error("'workspace_id' may hold letters, digits, '-' and '_'");
        }
        var platformNode = body.get("platform");
        if (platformNode != null && !platformNode.isBoolean()) {
            req.error("'platform' must be true or false");
        }
        boolean platform = platformNode != null && platformNode.asBoolean();
        if (platform && role.isPresent() && role.get() != Role.ADMIN) {
            req.error("'platform' is for admin keys only");
        }
        req.check();
        requireAdministers(admin, workspace);
        if (platform && !admin.platform()) {
            throw ApiProblem.forbidden("only a platform admin makes platform admin keys");
        }
        String secret = ApiKeys.generate();
        return OnVertxContext.run(() -> keys.insert(UUID.randomUUID(), workspace, name.get(), role.get().wireName(),
                platform, ApiKeys.prefix(secret), ApiKeys.hash(secret), admin.keyId()))
                .map(view -> {
                    view.put("key", secret);
                    return view;
                });
    }

    public Uni<List<ObjectNode>> list(Caller admin, String workspace, int limit, int offset) {
        requireAdministers(admin, workspace == null ? admin.workspace() : workspace);
        return OnVertxContext.run(() -> keys.list(workspace == null ? admin.workspace() : workspace, limit, offset));
    }

    public Uni<Void> revoke(Caller admin, String id, String workspace) {
        var keyId = Requests.pathId("api key", id);
        requireAdministers(admin, workspace == null ? admin.workspace() : workspace);
        return OnVertxContext.run(() -> keys.revoke(workspace == null ? admin.workspace() : workspace, keyId))
                .map(revoked -> {
                    if (!revoked) {
                        throw ApiProblem.notFound("api key", id);
                    }
                    cache.clear();
                    return null;
                });
    }

    /** An admin acts on its own workspace; only a platform admin on another one (403 otherwise). */
    public static void requireAdministers(Caller caller, String workspace) {
        if (!caller.administers(workspace)) {
            throw ApiProblem.forbidden("an admin key acts on its own workspace ('" + caller.workspace() + "'); workspace '"
                    + workspace + "' needs a platform admin key");
        }
    }
}
