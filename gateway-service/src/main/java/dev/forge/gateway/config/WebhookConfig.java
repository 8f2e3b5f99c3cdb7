package dev.forge.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How gateways deliver webhooks, and where they may send them. */
@ConfigMapping(prefix = "forge.webhooks")
public interface WebhookConfig {

    /** How often each gateway plans deliveries from new events and sends due ones (0 turns both off here). */
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * Networks (CIDR, e.g. {@code 10.20.0.0/16}, or one address) a webhook may reach although they are private,
     * loopback or link-local — refused otherwise, so a workspace cannot make the gateway call into the cluster.
     */
    Optional<List<String>> allowedNetworks();

    /** Longest wait for a receiver: connecting, and then its whole answer. */
    @WithDefault("10s")
    Duration timeout();

    /** Most bytes of an answer read; a longer one is cut off (the status code decides the attempt). */
    @WithDefault("65536")
    int maxResponseBytes();

    /** How long a delivery is retried after its event before it is marked failed. */
    @WithDefault("24h")
    Duration retryFor();

    /** The wait after the first failed attempt; each further failure doubles it, up to {@code max-backoff}. */
    @WithDefault("10s")
    Duration initialBackoff();

    @WithDefault("1h")
    Duration maxBackoff();

    /** Most deliveries one gateway has in flight. */
    @WithDefault("32")
    int concurrency();
}
