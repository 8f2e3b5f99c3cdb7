package dev.forge.discovery.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the Consul agent is and how this service appears in its catalog. */
@ConfigMapping(prefix = "forge.consul")
public interface ConsulConfig {

    /** Off by default: the embedded single-host set-up has no Consul. */
    @WithDefault("false")
    boolean enabled();

    /** The local agent (a sidecar or DaemonSet agent in Kubernetes). */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("8500")
    int port();

    /** ACL token sent as X-Consul-Token; never logged. */
    Optional<String> token();

    /** Catalog name; defaults to quarkus.application.name. */
    Optional<String> serviceName();

    /** Address advertised to the catalog and used by its checks (a pod IP in Kubernetes). */
    @WithDefault("127.0.0.1")
    String address();

    /**
     * The port clients resolve (Stork uses it): the gRPC port for services that serve gRPC, else the HTTP port, which
     * is the default.
     */
    Optional<Integer> servicePort();

    /** Tags added to the ones the service contributes itself. */
    Optional<List<String>> tags();

    /** Interval of the HTTP readiness and TCP checks the agent runs. */
    @WithDefault("10s")
    Duration checkInterval();

    /** The agent removes an instance whose checks stay critical this long (a crashed process). */
    @WithDefault("30s")
    Duration deregisterCriticalAfter();

    /** How often the service verifies the agent still knows it, re-registering if not. */
    @WithDefault("10s")
    Duration reconcileInterval();

    /** Whether this service watches the worker catalog for the capacity view (the gateway does). */
    @WithDefault("false")
    boolean capacityView();

    /** KV prefix of the runtime feature flags. */
    @WithDefault("forge/flags/")
    String flagsPrefix();

    /** Longest a blocking query waits for a change before answering unchanged. */
    @WithDefault("60s")
    Duration watchWait();

    /** Pause before retrying after the agent could not be reached. */
    @WithDefault("2s")
    Duration retryDelay();
}
