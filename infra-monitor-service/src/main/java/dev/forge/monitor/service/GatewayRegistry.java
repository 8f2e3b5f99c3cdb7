package dev.forge.monitor.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.secret.SecretCipher;
import dev.forge.monitor.repository.GatewayRepository;
import dev.forge.monitor.repository.GatewayRepository.StoredGateway;
import io.smallrye.mutiny.Uni;

/**
 * Every watched gateway: the environment's and the files' (read-only) and those added over the API (PostgreSQL,
 * token sealed with {@code FORGE_SECRET_KEY}). Changes over the API are audited; tokens are never returned.
 */
@ApplicationScoped
public class GatewayRegistry {

    private static final Set<String> CREATE_FIELDS = Set.of("id", "name", "url", "datacenter", "token");
    private static final Set<String> PATCH_FIELDS = Set.of("name", "url", "datacenter", "token");

    private final GatewaySources sources;
    private final GatewayRepository repository;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private volatile Map<String, GatewayTarget> targets = Map.of();

    public GatewayRegistry(GatewaySources sources, GatewayRepository repository, SecretCipher cipher,
            AuditLog audit) {
        this.sources = sources;
        this.repository = repository;
        this.cipher = cipher;
        this.audit = audit;
    }

    /** The gateways as last loaded, in order: environment, files, API. */
    public List<GatewayTarget> targets() {
        return List.copyOf(targets.values());
    }

    public Optional<GatewayTarget> find(String id) {
        return Optional.ofNullable(targets.get(id));
    }

    public GatewayTarget require(String id) {
        return find(id).orElseThrow(() -> ApiProblem.notFound("gateway", id));
    }

    /** Re-reads the environment, the files and the table. */
    public Uni<List<GatewayTarget>> reload() {
        return repository.all().map(stored -> {
            var next = new LinkedHashMap<>(sources.load());
            for (var g : stored) {
                next.putIfAbsent(g.id(), target(g));
            }
            targets = next;
            return targets();
        });
    }

    public Uni<GatewayTarget> create(Caller caller, JsonNode body) {
        var req = Requests.of(body, CREATE_FIELDS);
        var id = req.text("id", true, 63);
        var name = req.text("name", false, 200);
        var url = req.text("url", true, 2000);
        var datacenter = req.text("datacenter", false, 100);
        var token = req.text("token", false, 4096);
        id.flatMap(GatewayRules::idProblem).ifPresent(req::error);
        url.flatMap(GatewayRules::urlProblem).ifPresent(req::error);
        token.ifPresent(t -> checkToken(req, t));
        req.check();
        if (targets.containsKey(id.get())) {
            throw conflict(id.get());
        }
        var stored = new StoredGateway(id.get(), name.orElse(id.get()), GatewayRules.normalize(url.get()),
                datacenter.orElse(null), token.map(t -> cipher.encrypt(t, id.get())).orElse(null));
        return repository.insert(stored).flatMap(inserted -> {
            if (!inserted) {
                throw conflict(id.get());
            }
            return audit.by(caller, AuditLog.GATEWAY_CREATED, id.get(), details(stored, List.of()));
        }).flatMap(x -> reload()).map(x -> require(id.get()));
    }

    public Uni<GatewayTarget> update(Caller caller, String id, JsonNode body) {
        var current = editable(id);
        var req = Requests.of(body, PATCH_FIELDS);
        var name = req.text("name", false, 200);
        var url = req.text("url", false, 2000);
        var datacenter = req.text("datacenter", false, 100);
        var token = req.text("token", false, 4096);
        url.flatMap(GatewayRules::urlProblem).ifPresent(req::error);
        token.ifPresent(t -> checkToken(req, t));
        req.check();
        var changed = new ArrayList<String>();
        body.fieldNames().forEachRemaining(changed::add);
        return repository.find(id).flatMap(found -> {
            var old = found.orElseThrow(() -> ApiProblem.notFound("gateway", id));
            boolean clearToken = body.has("token") && body.get("token").isNull();
            boolean clearDatacenter = body.has("datacenter") && body.get("datacenter").isNull();
            var next = new StoredGateway(id, name.orElse(old.name()),
                    url.map(GatewayRules::normalize).orElse(old.url()),
                    clearDatacenter ? null : datacenter.orElse(old.datacenter()),
                    clearToken ? null : token.map(t -> cipher.encrypt(t, id)).orElse(old.sealedToken()));
            return repository.update(next).flatMap(updated -> {
                if (!updated) {
                    throw ApiProblem.notFound("gateway", id);
                }
                return audit.by(caller, AuditLog.GATEWAY_UPDATED, id, details(next, changed));
            });
        }).flatMap(x -> reload()).map(x -> require(current.id()));
    }

    public Uni<Void> delete(Caller caller, String id) {
        editable(id);
        return repository.delete(id).flatMap(deleted -> {
            if (!deleted) {
                throw ApiProblem.notFound("gateway", id);
            }
            return audit.by(caller, AuditLog.GATEWAY_DELETED, id, JsonNodeFactory.instance.objectNode());
        }).flatMap(x -> reload()).replaceWithVoid();
    }

    private GatewayTarget editable(String id) {
        var target = require(id);
        if (!target.editable()) {
            throw new ApiProblem(409, "gateway-not-editable", "Gateway is configured outside the API",
                    "gateway '" + id + "' comes from the " + ("env".equals(target.source()) ? "environment"
                            : "file " + target.origin()) + "; change it there", null);
        }
        return target;
    }

    private void checkToken(Requests req, String token) {
        if (!cipher.available()) {
            req.error("tokens cannot be stored: FORGE_SECRET_KEY is not configured on this service");
        } else if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            req.error("'token' must be printable ASCII without spaces");
        }
    }

    private GatewayTarget target(StoredGateway g) {
        Optional<String> token = Optional.empty();
        if (g.sealedToken() != null && cipher.available()) {
            try {
                token = Optional.of(cipher.decrypt(g.sealedToken(), g.id()));
            } catch (SecretCipher.SecretUnavailable e) {
                // a token sealed under another key: the gateway shows as degraded ("no token configured")
                token = Optional.empty();
            }
        }
        return new GatewayTarget(g.id(), g.name(), g.url(), Optional.ofNullable(g.datacenter()), "api", "api",
                token);
    }

    private static ApiProblem conflict(String id) {
        return new ApiProblem(409, "conflict", "Conflict", "gateway '" + id + "' already exists", null);
    }

    private static ObjectNode details(StoredGateway g, List<String> changed) {
        var d = JsonNodeFactory.instance.objectNode();
        d.put("name", g.name());
        d.put("url", g.url());
        d.put("datacenter", g.datacenter());
        d.put("token_configured", g.sealedToken() != null);
        if (!changed.isEmpty()) {
            var fields = d.putArray("changed");
            changed.forEach(fields::add);
        }
        return d;
    }
}
