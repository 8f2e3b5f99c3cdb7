package dev.forge.core.flow;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.forge.core.config.FlowsConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * System flows loaded from the flows directory at start-up, plus every version ever pinned by a run (kept in
 * {@code flow_versions}), so a run executes exactly the blueprint it started with. An invalid system flow fails
 * start-up with every problem listed.
 */
@Startup
@ApplicationScoped
public class FlowCatalog {

    private static final Logger LOG = Logger.getLogger(FlowCatalog.class);

    private final Pool pool;
    private final Map<String, FlowBlueprint> current;
    /** System flows by version: always here. */
    private final Map<String, FlowBlueprint> systemByVersion;
    /** Other versions loaded on demand, bounded: workspaces may save any number of versions. */
    private final Cache<String, FlowBlueprint> loaded;

    public FlowCatalog(Pool pool, FlowsConfig config) {
        this.pool = pool;
        var dirs = config.dirs().stream().map(d -> Path.of(d).toAbsolutePath().normalize()).toList();
        this.current = Map.copyOf(FlowLoader.loadDirectories(dirs));
        this.systemByVersion = current.values().stream().collect(Collectors.toUnmodifiableMap(
                f -> key(f.name(), f.version()), f -> f));
        this.loaded = Caffeine.newBuilder().maximumSize(config.versionCacheSize()).build();
        LOG.infof("Loaded %d flow(s) from %s: %s", current.size(), dirs, current.keySet());
    }

    /** Records the loaded versions so any service can resolve a pinned version later. */
    public Uni<Void> registerVersions() {
        if (current.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var batch = current.values().stream().map(f -> Tuple.of(f.name(), f.version(), f.source())).toList();
        return pool.preparedQuery("INSERT INTO flow_versions (flow_name, version, source) VALUES ($1, $2, $3) "
                + "ON CONFLICT DO NOTHING").executeBatch(batch).replaceWithVoid();
    }

    /** The current system version of a flow. */
    public Optional<FlowBlueprint> current(String name) {
        return Optional.ofNullable(current.get(name));
    }

    public List<FlowBlueprint> all() {
        return current.values().stream().sorted(Comparator.comparing(FlowBlueprint::name)).toList();
    }

    /** A pinned version: from memory, else from {@code flow_versions} (a version an earlier deployment loaded). */
    public Uni<FlowBlueprint> resolve(String name, String version) {
        var cached = systemByVersion.get(key(name, version));
        if (cached == null) {
            cached = loaded.getIfPresent(key(name, version));
        }
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return pool.preparedQuery("SELECT source FROM flow_versions WHERE flow_name = $1 AND version = $2")
                .execute(Tuple.of(name, version))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new IllegalStateException("flow " + name + " version " + version + " is not known");
                    }
                    var flow = FlowLoader.load("flow_versions:" + name + "@" + version,
                            rows.iterator().next().getString("source"));
                    loaded.put(key(name, version), flow);
                    return flow;
                });
    }

    /** How many versions loaded on demand are held now (at most {@code forge.flows.version-cache-size}). */
    public long loadedVersions() {
        loaded.cleanUp();
        return loaded.estimatedSize();
    }

    private static String key(String name, String version) {
        return name + "@" + version;
    }
}
