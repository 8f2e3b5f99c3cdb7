package dev.forge.discovery.service;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.discovery.client.BlockingWatch;
import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.config.ConsulConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;

/**
 * Runtime feature flags from Consul KV under {@code forge/flags/}, watched with blocking queries and applied without a
 * restart. Keys are flag names ({@code forge/flags/runs-paused}); values are text ({@code true}, a number...). Without
 * Consul there are no flags, and every lookup answers its fallback.
 */
@ApplicationScoped
public class FeatureFlags {

    private static final Logger LOG = Logger.getLogger(FeatureFlags.class);

    /** A flag that appeared, changed ({@code value} set) or was removed ({@code value} empty). */
    public record FlagChange(String name, Optional<String> value) {
    }

    private final ConsulConfig config;
    private final BlockingWatch<Map<String, String>> watch;
    private final BroadcastProcessor<FlagChange> changes = BroadcastProcessor.create();
    private volatile Map<String, String> flags = Map.of();
    private volatile boolean warned;

    public FeatureFlags(ConsulConfig config, ConsulAgent consul, Vertx vertx) {
        this.config = config;
        this.watch = new BlockingWatch<>(vertx, config.retryDelay(), index -> consul.kvTree(config.flagsPrefix(),
                index), this::apply, failure -> {
                    if (!warned) {
                        warned = true;
                        LOG.warnf("Feature flags not watched: %s; keeping %d known flag(s), retrying every %s",
                                failure.getMessage(), flags.size(), config.retryDelay());
                    }
                });
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            watch.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        watch.stop();
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    /** {@code true}, {@code on}, {@code yes} and {@code 1} turn a flag on; {@code fallback} when it is not set. */
    public boolean enabled(String name, boolean fallback) {
        return value(name).map(v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            default -> false;
        }).orElse(fallback);
    }

    public Map<String, String> all() {
        return flags;
    }

    /** Every change from now on. */
    public Multi<FlagChange> changes() {
        return changes;
    }

    private void apply(Map<String, String> latest) {
        warned = false;
        Map<String, String> before = flags;
        if (before.equals(latest)) {
            return;
        }
        flags = Map.copyOf(latest);
        var names = new LinkedHashSet<String>(before.keySet());
        names.addAll(latest.keySet());
        for (String name : names) {
            if (!Objects.equals(before.get(name), latest.get(name))) {
                LOG.infof("Feature flag %s %s", name, latest.containsKey(name) ? "= " + latest.get(name) : "removed");
                changes.onNext(new FlagChange(name, Optional.ofNullable(latest.get(name))));
            }
        }
    }
}
