package dev.forge.monitor.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.monitor.config.MonitorConfig;

/**
 * Gateways configured outside the API: the environment ({@code GATEWAYS=a,b}, {@code GATEWAY_A_URL},
 * {@code GATEWAY_TOKEN_A}, optionally {@code GATEWAY_A_NAME} and {@code GATEWAY_A_DATACENTER}) and
 * {@code gateways.json} files (an explicit path, the working directory, the user's config directory,
 * {@code /etc/forge}).
 * The environment wins over files, earlier files over later ones. A file entry's token comes from {@code token_env}
 * (the name of an environment variable), {@code GATEWAY_TOKEN_<ID>}, or {@code token}. Invalid entries are logged
 * (never with their tokens) and skipped.
 */
@ApplicationScoped
public class GatewaySources {

    private static final Logger LOG = Logger.getLogger(GatewaySources.class);

    private final Config config;
    private final MonitorConfig monitor;
    /** The configuration is re-read every health round: each complaint is logged once, not every 5 s. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public GatewaySources(Config config, MonitorConfig monitor) {
        this.config = config;
        this.monitor = monitor;
    }

    /** Every gateway from the environment and the files, by id. */
    public Map<String, GatewayTarget> load() {
        var out = new LinkedHashMap<String, GatewayTarget>();
        fromEnvironment().forEach(g -> out.putIfAbsent(g.id(), g));
        for (Path file : files()) {
            fromFile(file).forEach(g -> {
                if (out.putIfAbsent(g.id(), g) != null) {
                    warnOnce("Gateway " + g.id() + " in " + file + " is already configured by "
                            + out.get(g.id()).origin() + "; that one is used");
                }
            });
        }
        return out;
    }

    private List<GatewayTarget> fromEnvironment() {
        var out = new ArrayList<GatewayTarget>();
        var ids = value("GATEWAYS").map(v -> List.of(v.split(","))).orElse(List.of());
        for (String raw : ids) {
            String id = raw.trim().toLowerCase(Locale.ROOT);
            if (id.isEmpty()) {
                continue;
            }
            String env = GatewayRules.envName(id);
            var url = value("GATEWAY_" + env + "_URL");
            var problem = GatewayRules.idProblem(id).or(() -> GatewayRules.urlProblem(url.orElse(null)));
            if (problem.isPresent()) {
                warnOnce("Gateway " + id + " from the environment is skipped: " + problem.get());
                continue;
            }
            out.add(new GatewayTarget(id, value("GATEWAY_" + env + "_NAME").orElse(id),
                    GatewayRules.normalize(url.get()), value("GATEWAY_" + env + "_DATACENTER"), "env", "environment",
                    value("GATEWAY_TOKEN_" + env)));
        }
        return out;
    }

    private List<Path> files() {
        var candidates = new ArrayList<Path>();
        monitor.gatewaysFile().ifPresent(f -> candidates.add(Path.of(f)));
        monitor.gatewaysDirs().ifPresent(dirs -> dirs.forEach(d -> candidates.add(Path.of(d, "gateways.json"))));
        candidates.add(Path.of("gateways.json"));
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path userConfig = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        candidates.add(userConfig.resolve("forge").resolve("gateways.json"));
        candidates.add(Path.of("/etc/forge/gateways.json"));
        return candidates.stream().filter(Files::isRegularFile).map(Path::toAbsolutePath).distinct().toList();
    }

    List<GatewayTarget> fromFile(Path file) {
        JsonNode root;
        try {
            root = JsonValues.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            warnOnce(file + " is skipped: not readable JSON (" + e.getClass().getSimpleName() + ")");
            return List.of();
        }
        JsonNode list = root != null && root.isObject() ? root.get("gateways") : root;
        if (list == null || !list.isArray()) {
            warnOnce(file + " is skipped: expected {\"gateways\": [...]} or an array");
            return List.of();
        }
        var out = new ArrayList<GatewayTarget>();
        for (JsonNode entry : list) {
            String id = text(entry, "id").map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
            var url = text(entry, "url");
            var problem = GatewayRules.idProblem(id).or(() -> GatewayRules.urlProblem(url.orElse(null)));
            if (problem.isPresent()) {
                warnOnce("A gateway in " + file + " is skipped: " + problem.get());
                continue;
            }
            Optional<String> token = text(entry, "token_env").flatMap(this::value)
                    .or(() -> value("GATEWAY_TOKEN_" + GatewayRules.envName(id)))
                    .or(() -> text(entry, "token"));
            out.add(new GatewayTarget(id, text(entry, "name").orElse(id), GatewayRules.normalize(url.get()),
                    text(entry, "datacenter"), "file", file.toString(), token));
        }
        return out;
    }

    private void warnOnce(String message) {
        if (warned.add(message)) {
            LOG.warn(message);
        }
    }

    private Optional<String> value(String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static Optional<String> text(JsonNode node, String field) {
        var v = node == null ? null : node.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText().trim());
    }
}
