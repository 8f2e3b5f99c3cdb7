package dev.forge.discovery.service;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.forge.discovery.client.BlockingWatch;
import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.testing.ConsulStandIn;
import dev.forge.discovery.testing.TestConsulConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.Watch;

/**
 * Why Forge follows blocking queries with its own {@link BlockingWatch} and not Vert.x's {@link Watch}: after a
 * failed query Vert.x asks again with the last index it saw, waiting a fixed 10 minutes, so when the agent comes back
 * with its index started over it hears nothing for those minutes; BlockingWatch asks afresh (index 0). If this test
 * starts failing, the library has changed and BlockingWatch can go.
 */
class VertxWatchLimitTest {

    private static final Duration BOUND = Duration.ofSeconds(8);

    @Test
    void afterTheIndexStartsOverOnlyBlockingWatchSeesTheNextChange() {
        var consul = ConsulStandIn.start(0);
        var vertx = Vertx.vertx();
        var mutiny = new io.vertx.mutiny.core.Vertx(vertx);
        var library = new ConcurrentHashMap<String, String>();
        var ours = new ConcurrentHashMap<String, String>();
        var config = new TestConsulConfig(consul.port(), "flags");
        var watch = Watch.keyPrefix("forge/flags/", vertx, new ConsulClientOptions().setHost("127.0.0.1")
                .setPort(consul.port()).setTimeout(Duration.ofMinutes(11).toMillis())).setHandler(r -> {
                    if (r.succeeded() && r.nextResult().getList() != null) {
                        r.nextResult().getList().forEach(kv -> library.put(kv.getKey(), kv.getValue()));
                    }
                }).start();
        var agent = new ConsulAgent(config, vertx);
        var blockingWatch = new BlockingWatch<Map<String, String>>(mutiny, Duration.ofMillis(200),
                index -> agent.kvTree("forge/flags/", index), ours::putAll, failure -> { });
        blockingWatch.start();
        try {
            consul.putKey("forge/other/padding", "x");
            consul.putKey("forge/flags/a", "1");
            await().atMost(BOUND).until(() -> library.containsKey("forge/flags/a") && ours.containsKey("a"));

            consul.restart();
            consul.putKey("forge/flags/b", "2");

            await().atMost(BOUND).until(() -> ours.containsKey("b"));
            // Vert.x retries a failed query after 1 s: three seconds more leave it time to, had it asked afresh
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> !library.containsKey("forge/flags/b"));
        } finally {
            blockingWatch.stop();
            watch.stop();
            vertx.close();
            consul.close();
        }
    }
}
