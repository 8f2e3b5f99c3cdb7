package dev.forge.discovery.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.config.ConsulConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.mutiny.core.Vertx;

/**
 * Keeps this service instance in Consul's catalog: registers it at start-up with an HTTP check on its readiness
 * endpoint and a TCP check on its service port (critical instances removed after {@code deregister-critical-after}),
 * verifies every {@code reconcile-interval} that the agent still knows it and registers again when it does not (an
 * agent restarted or wiped), and deregisters on graceful shutdown.
 */
@ApplicationScoped
public class ServiceRegistration {

    private static final Logger LOG = Logger.getLogger(ServiceRegistration.class);

    private final ConsulConfig config;
    private final ConsulAgent consul;
    private final Instance<RegistrationDetails> details;
    private final Vertx vertx;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean registered = new AtomicBoolean();
    private volatile long timer = -1;

    public ServiceRegistration(ConsulConfig config, ConsulAgent consul, Instance<RegistrationDetails> details,
            Vertx vertx) {
        this.config = config;
        this.consul = consul;
        this.details = details;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        // the first attempt runs once start-up is over, when the HTTP server listens on its (possibly random) port
        timer = vertx.setPeriodic(200, config.reconcileInterval().toMillis(), id -> reconcile());
    }

    /**
     * Deregisters first thing on shutdown (before a worker drains, before the HTTP server stops), so the catalog stops
     * offering this instance at once. Runs on the main thread during shutdown; waiting there, bounded, is what makes
     * the deregistration happen before exit.
     */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (stopping.getAndSet(true)) {
            return;
        }
        vertx.cancelTimer(timer);
        try {
            boolean known = consul.deregister(serviceId()).await().atMost(Duration.ofSeconds(3));
            LOG.infof("Deregistered %s from Consul%s", serviceId(), known ? "" : " (the agent did not know it)");
        } catch (RuntimeException e) {
            LOG.warnf("Could not deregister %s from Consul at %s: %s; its checks will fail and the agent removes it "
                    + "after %s", serviceId(), consul.agent(), e.getMessage(), config.deregisterCriticalAfter());
        }
    }

    /** Whether the last reconciliation found this instance registered. */
    public boolean registered() {
        return registered.get();
    }

    /** This instance's id in the catalog: unique per address and port, stable across restarts of the process. */
    public String serviceId() {
        return serviceName() + "-" + config.address() + "-" + httpPort();
    }

    public String serviceName() {
        return details.stream().flatMap(d -> d.serviceName().stream()).findFirst()
                .or(config::serviceName).orElseGet(() -> ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.application.name", String.class).orElse("forge"));
    }

    private void reconcile() {
        if (stopping.get()) {
            return;
        }
        consul.isRegistered(serviceId())
                .flatMap(known -> known ? Uni.createFrom().item(false) : consul.register(definition()).replaceWith(true))
                .subscribe().with(didRegister -> {
                    if (didRegister) {
                        LOG.infof("Registered %s with Consul at %s%s", serviceId(), consul.agent(),
                                registered.get() ? " again (the agent had lost it)" : "");
                    }
                    registered.set(true);
                }, failure -> {
                    if (registered.getAndSet(false) || LOG.isDebugEnabled()) {
                        LOG.warnf("Consul at %s: %s; registration is retried every %s", consul.agent(),
                                failure.getMessage(), config.reconcileInterval());
                    }
                });
    }

    /**
     * The agent's service definition: a readiness (HTTP) and a port (TCP) check. Each check runs with Consul's default
     * timeout of 10 s: Vert.x's CheckOptions has no timeout field.
     */
    ServiceOptions definition() {
        int httpPort = httpPort();
        int servicePort = config.servicePort().orElse(httpPort);
        var tags = new LinkedHashSet<String>();
        var meta = new LinkedHashMap<String, String>();
        details.forEach(d -> {
            tags.addAll(d.tags());
            meta.putAll(d.meta());
        });
        config.tags().ifPresent(tags::addAll);
        meta.put(CatalogTags.META_HTTP_PORT, Integer.toString(httpPort));
        ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                .ifPresent(v -> meta.put(CatalogTags.META_VERSION, v));
        var ready = new CheckOptions().setId(serviceId() + ":ready").setName(serviceName() + " readiness")
                .setHttp("http://" + config.address() + ":" + httpPort + "/q/health/ready")
                .setInterval(seconds(config.checkInterval()))
                .setDeregisterAfter(seconds(config.deregisterCriticalAfter()));
        var port = new CheckOptions().setId(serviceId() + ":tcp").setName(serviceName() + " port " + servicePort)
                .setTcp(config.address() + ":" + servicePort).setInterval(seconds(config.checkInterval()))
                .setDeregisterAfter(seconds(config.deregisterCriticalAfter()));
        return new ServiceOptions().setId(serviceId()).setName(serviceName()).setAddress(config.address())
                .setPort(servicePort).setTags(new ArrayList<>(tags)).setMeta(meta)
                .setCheckListOptions(List.of(ready, port));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The HTTP port actually listened on (tests use a random one, published once the server is up). */
    private static int httpPort() {
        var cfg = ConfigProvider.getConfig();
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return cfg.getOptionalValue(key, Integer.class).orElse(8080);
    }
}
