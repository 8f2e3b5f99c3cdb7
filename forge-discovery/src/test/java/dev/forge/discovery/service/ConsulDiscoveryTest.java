package dev.forge.discovery.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Instance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forge.discovery.client.ConsulAgent;
import dev.forge.discovery.testing.ConsulStandIn;
import dev.forge.discovery.testing.TestConsulConfig;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpServer;

/**
 * Registration, re-registration, deregistration, feature flags and the capacity view against the Consul stand-in,
 * with a small HTTP server standing for the service whose readiness the agent checks.
 */
class ConsulDiscoveryTest {

    private static final Duration FAST = Duration.ofSeconds(5);

    private static Vertx vertx;
    private static HttpServer service;
    private static volatile int readiness = 200;
    private ConsulStandIn consul;
    private final List<Runnable> stops = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startService() {
        vertx = Vertx.vertx();
        service = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(
                req.path().equals("/q/health/ready") ? readiness : 404).endAndForget())
                .listen(0, "127.0.0.1").await().atMost(FAST);
        System.setProperty("quarkus.http.port", Integer.toString(service.actualPort()));
    }

    @AfterAll
    static void stopService() {
        service.close().await().atMost(FAST);
        vertx.close().await().atMost(FAST);
        System.clearProperty("quarkus.http.port");
    }

    @AfterEach
    void stop() {
        stops.forEach(Runnable::run);
        if (consul != null) {
            consul.close();
        }
        readiness = 200;
    }

    private TestConsulConfig config(String name) {
        consul = consul == null ? ConsulStandIn.start(0) : consul;
        return new TestConsulConfig(consul.port(), name);
    }

    private ServiceRegistration registration(TestConsulConfig config, RegistrationDetails details) {
        var client = new ConsulAgent(config, vertx.getDelegate());
        var registration = new ServiceRegistration(config, client, instances(details), vertx);
        registration.onStart(null);
        stops.add(() -> registration.onStop(null));
        return registration;
    }

    @Test
    void registersWithTagsMetaAndChecksThatTheAgentRuns() {
        var config = config("worker-service");
        var registration = registration(config, new RegistrationDetails() {
            @Override
            public List<String> tags() {
                return List.of(CatalogTags.executor("llm"), CatalogTags.model("claude-*"), CatalogTags.gpu(false));
            }

            @Override
            public Map<String, String> meta() {
                return Map.of(CatalogTags.META_SLOTS, "16");
            }
        });
        String id = registration.serviceId();

        await().atMost(FAST).until(() -> consul.service(id) != null);
        var entry = consul.service(id);
        assertThat(entry.path("Service").asText()).isEqualTo("worker-service");
        assertThat(entry.path("Address").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.path("Port").asInt()).isEqualTo(service.actualPort());
        assertThat(entry.path("Tags").toString()).contains("executor:llm", "model:claude-*", "gpu:false", "env:test");
        assertThat(entry.path("Meta").path("slots").asText()).isEqualTo("16");
        // both checks start critical, as on a real agent, and pass once the agent has probed the service
        await().atMost(FAST).until(() -> consul.checkStatuses(id).values().stream().allMatch("passing"::equals)
                && consul.checkStatuses(id).size() == 2);
        assertThat(consul.checkStatuses(id).keySet()).containsExactly(id + ":ready", id + ":tcp");
    }

    @Test
    void registersAgainAfterTheAgentRestartsOrForgetsIt() {
        var registration = registration(config("skill-service"), List::of);
        String id = registration.serviceId();
        await().atMost(FAST).until(() -> consul.service(id) != null);

        consul.restart();
        assertThat(consul.service(id)).isNull();
        await().atMost(FAST).until(() -> consul.service(id) != null);

        consul.forgetServices();
        await().atMost(FAST).until(() -> consul.service(id) != null);
        // registered at start and again after each loss (a reconcile racing the restart may add one more)
        assertThat(consul.registerCalls().stream().filter(id::equals).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void deregistersOnGracefulShutdown() {
        var registration = registration(config("gateway-service"), List::of);
        String id = registration.serviceId();
        await().atMost(FAST).until(() -> consul.service(id) != null);

        registration.onStop(null);

        assertThat(consul.service(id)).isNull();
        assertThat(consul.deregisterCalls()).containsExactly(id);
    }

    @Test
    void theAgentRemovesAnInstanceWhoseChecksStayCritical() {
        var registration = registration(config("gateway-service"), List::of);
        String id = registration.serviceId();
        await().atMost(FAST).until(() -> consul.checkStatuses(id).values().stream().allMatch("passing"::equals)
                && !consul.checkStatuses(id).isEmpty());
        readiness = 503;
        // the stand-in reaps it after deregister-critical-after (1 s here, 30 s by default); the service re-registers
        await().atMost(FAST).until(() -> consul.deregisterCalls().isEmpty() && consul.registerCalls().size() >= 2);
    }

    @Test
    void flagsAreAppliedLiveAndSurviveAnAgentRestart() {
        var config = config("gateway-service");
        var flags = new FeatureFlags(config, new ConsulAgent(config, vertx.getDelegate()), vertx);
        var seen = new CopyOnWriteArrayList<FeatureFlags.FlagChange>();
        flags.changes().subscribe().with(seen::add);
        flags.onStart(null);
        stops.add(() -> flags.onStop(null));
        assertThat(flags.enabled("runs-paused", false)).isFalse();

        consul.putKey("forge/flags/runs-paused", "true");
        await().atMost(Duration.ofSeconds(2)).until(() -> flags.enabled("runs-paused", false));
        // the value is readable a moment before subscribers hear of the change
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(seen).contains(new FeatureFlags.FlagChange("runs-paused", Optional.of("true"))));

        consul.putKey("forge/flags/max-fanout", "8");
        consul.putKey("forge/other/ignored", "x");
        await().atMost(Duration.ofSeconds(2)).until(() -> flags.value("max-fanout").equals(Optional.of("8")));
        assertThat(flags.all()).containsOnlyKeys("runs-paused", "max-fanout");

        consul.deleteKey("forge/flags/runs-paused");
        await().atMost(Duration.ofSeconds(2)).until(() -> !flags.enabled("runs-paused", false));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(seen).contains(new FeatureFlags.FlagChange("runs-paused", Optional.empty())));

        // a restarted agent starts empty and its index starts over: the watch follows it
        consul.restart();
        await().atMost(FAST).until(() -> flags.all().isEmpty());
        consul.putKey("forge/flags/runs-paused", "on");
        await().atMost(FAST).until(() -> flags.enabled("runs-paused", false));
    }

    @Test
    void capacityByExecutorTypeCountsOnlyHealthyWorkers() throws Exception {
        var config = config("worker-service");
        var client = new ConsulAgent(config, vertx.getDelegate());
        // two workers announced through the agent's API directly: one healthy, one whose readiness endpoint is gone
        client.register(new ServiceOptions().setId("w1").setName("worker-service").setAddress("127.0.0.1")
                .setPort(service.actualPort()).setTags(List.of("executor:llm", "executor:tool", "model:claude-*",
                        "gpu:true")).setMeta(Map.of("slots", "16"))
                .setCheckListOptions(List.of(new CheckOptions().setId("w1:ready").setInterval("200ms")
                        .setHttp("http://127.0.0.1:" + service.actualPort() + "/q/health/ready"))))
                .await().atMost(FAST);
        client.register(new ServiceOptions().setId("w2").setName("worker-service").setAddress("127.0.0.1")
                .setPort(1).setTags(List.of("executor:llm")).setMeta(Map.of("slots", "8"))
                .setCheckListOptions(List.of(new CheckOptions().setId("w2:ready").setInterval("200ms")
                        .setHttp("http://127.0.0.1:" + service.actualPort() + "/missing"))))
                .await().atMost(FAST);
        var capacity = new ExecutorCapacity(config, client, vertx);
        capacity.onStart(null);
        stops.add(() -> capacity.onStop(null));

        await().atMost(FAST).until(() -> capacity.byExecutorType().containsKey("llm"));
        var view = capacity.byExecutorType();
        assertThat(view.get("llm").instances()).isEqualTo(1);
        assertThat(view.get("llm").slots()).isEqualTo(16);
        assertThat(view.get("llm").hosts().get(0).gpu()).isTrue();
        assertThat(view.get("llm").hosts().get(0).models()).containsExactly("claude-*");
        assertThat(view.get("tool").slots()).isEqualTo(16);

        client.deregister("w1").await().atMost(FAST);
        await().atMost(FAST).until(() -> capacity.byExecutorType().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static Instance<RegistrationDetails> instances(RegistrationDetails details) {
        return (Instance<RegistrationDetails>) Proxy.newProxyInstance(
                ConsulDiscoveryTest.class.getClassLoader(), new Class<?>[] { Instance.class }, (proxy, method, args) -> {
                    if (method.getName().equals("iterator")) {
                        return List.of(details).iterator();
                    }
                    if (method.getName().equals("forEach")) {
                        List.of(details).forEach((Consumer<RegistrationDetails>) args[0]);
                        return null;
                    }
                    if (method.getName().equals("stream")) {
                        return List.of(details).stream();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
