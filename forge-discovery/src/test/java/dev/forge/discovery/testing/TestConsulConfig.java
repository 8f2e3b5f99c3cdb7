package dev.forge.discovery.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.forge.discovery.config.ConsulConfig;

/** A {@link ConsulConfig} for tests outside Quarkus: fast intervals, the stand-in's port. */
public record TestConsulConfig(int port, Optional<String> serviceName, Optional<Integer> servicePort)
        implements ConsulConfig {

    public TestConsulConfig(int port, String serviceName) {
        this(port, Optional.of(serviceName), Optional.empty());
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public Optional<String> token() {
        return Optional.of("test-acl-token");
    }

    @Override
    public String address() {
        return "127.0.0.1";
    }

    @Override
    public Optional<List<String>> tags() {
        return Optional.of(List.of("env:test"));
    }

    @Override
    public Duration checkInterval() {
        return Duration.ofMillis(200);
    }


    @Override
    public Duration deregisterCriticalAfter() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration reconcileInterval() {
        return Duration.ofMillis(300);
    }

    @Override
    public boolean capacityView() {
        return true;
    }

    @Override
    public String flagsPrefix() {
        return "forge/flags/";
    }

    @Override
    public Duration watchWait() {
        return Duration.ofSeconds(5);
    }

    @Override
    public Duration retryDelay() {
        return Duration.ofMillis(200);
    }
}
