package dev.forge.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The chart in {@code k8s/forge}: rendered from its values, every object read into the Kubernetes model with no field
 * the model does not know, and cross-checked against the services' own configuration — ports, probe paths, selectors,
 * ConfigMap and Secret references, the worker's grace period — so a renamed port or path fails the build.
 */
class ChartTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Deployment name → the module whose packaged service it runs. */
    private static final Map<String, String> SERVICES = Map.of("forge-gateway", "gateway-service",
            "forge-worker", "worker-service", "forge-skill", "skill-service", "forge-monitor", "infra-monitor-service");
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "ConfigMap", ConfigMap.class, "Secret", Secret.class, "ServiceAccount", ServiceAccount.class,
            "Deployment", Deployment.class, "StatefulSet", StatefulSet.class, "Service", Service.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "PodDisruptionBudget", PodDisruptionBudget.class, "Ingress", Ingress.class);

    private static List<HasMetadata> render(Map<String, Object> values) throws IOException {
        return render("forge", values);
    }

    private static List<HasMetadata> render(String release, Map<String, Object> values) throws IOException {
        var objects = new ArrayList<HasMetadata>();
        for (String doc : HelmChart.render(release, values)) {
            JsonNode tree = YAML.readTree(doc);
            String kind = tree.path("kind").asText();
            assertThat(KINDS).as("a kind the chart may render").containsKey(kind);
            HasMetadata object = YAML.treeToValue(tree, KINDS.get(kind));
            assertThat(object.getApiVersion()).as(kind + " apiVersion").isEqualTo(tree.path("apiVersion").asText());
            assertThat(object.getMetadata().getName()).as(kind + " name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertNoUnknownFields(object, kind + " " + object.getMetadata().getName());
            objects.add(object);
        }
        return objects;
    }

    private static Map<String, Object> values() throws IOException {
        return HelmChart.values();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Map<String, Object> values, String name) {
        return (Map<String, Object>) values.get(name);
    }

    private static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " " + name + " is not rendered"));
    }

    /** What Services, PDBs and references need of a Deployment or a StatefulSet. */
    private record Workload(String name, LabelSelector selector, PodTemplateSpec template) {
    }

    private static List<Workload> workloads(List<HasMetadata> objects) {
        var out = new ArrayList<Workload>();
        all(objects, Deployment.class).forEach(d -> out.add(new Workload(d.getMetadata().getName(),
                d.getSpec().getSelector(), d.getSpec().getTemplate())));
        all(objects, StatefulSet.class).forEach(d -> out.add(new Workload(d.getMetadata().getName(),
                d.getSpec().getSelector(), d.getSpec().getTemplate())));
        return out;
    }

    private static Properties serviceConfig(String module) throws IOException {
        var properties = new Properties();
        try (var in = Files.newInputStream(Path.of("..", module, "src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    @Test
    void everyObjectRendersIntoTheKubernetesModel() throws IOException {
        var objects = render(values());
        var kinds = objects.stream().collect(Collectors.groupingBy(o -> o.getKind(), Collectors.counting()));
        // four services and the bundled dependencies (consul is off by default)
        assertThat(all(objects, Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrder(
                "forge-gateway", "forge-worker", "forge-skill", "forge-monitor", "forge-redis");
        assertThat(all(objects, StatefulSet.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("forge-postgres", "forge-rabbitmq", "forge-s3", "forge-runner");
        assertThat(kinds).containsEntry("HorizontalPodAutoscaler", 1L).containsEntry("PodDisruptionBudget", 2L)
                .containsEntry("Ingress", 1L).containsEntry("Secret", 1L).containsEntry("ConfigMap", 1L);
        var names = objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void portsAndProbesMatchTheServicesOwnConfiguration() throws IOException {
        var objects = render(values());
        for (var entry : SERVICES.entrySet()) {
            var config = serviceConfig(entry.getValue());
            Container container = one(objects, Deployment.class, entry.getKey()).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            var ports = container.getPorts().stream().collect(Collectors.toMap(p -> p.getName(),
                    p -> p.getContainerPort()));
            assertThat(ports.get("http")).as(entry.getKey() + " http port")
                    .isEqualTo(Integer.parseInt(config.getProperty("quarkus.http.port")));
            if (config.getProperty("quarkus.grpc.server.port") != null) {
                assertThat(ports.get("grpc")).as(entry.getKey() + " gRPC port")
                        .isEqualTo(Integer.parseInt(config.getProperty("quarkus.grpc.server.port")));
            }
            String pom = Files.readString(Path.of("..", entry.getValue(), "pom.xml"));
            assertThat(pom).as(entry.getValue() + " serves the health endpoints").contains("quarkus-smallrye-health");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            for (IntOrString port : List.of(container.getReadinessProbe().getHttpGet().getPort(),
                    container.getLivenessProbe().getHttpGet().getPort())) {
                assertThat(ports).as(entry.getKey() + " probe port").containsKey(port.getStrVal());
            }
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");
        }
    }

    @Test
    void servicesSelectPodsAndReferencesResolve() throws IOException {
        var objects = render(values());
        var deployments = workloads(objects);
        for (Service service : all(objects, Service.class)) {
            var selector = service.getSpec().getSelector();
            var target = deployments.stream().filter(d -> d.template().getMetadata().getLabels()
                    .entrySet().containsAll(selector.entrySet())).toList();
            assertThat(target).as("pods of Service " + service.getMetadata().getName()).hasSize(1);
            var containerPorts = target.get(0).template().getSpec().getContainers().get(0).getPorts()
                    .stream().map(p -> p.getName()).toList();
            service.getSpec().getPorts().forEach(p -> assertThat(containerPorts)
                    .as("target port of Service " + service.getMetadata().getName()).contains(p.getTargetPort()
                            .getStrVal()));
        }
        for (Workload d : deployments) {
            assertThat(d.selector().getMatchLabels().entrySet())
                    .isSubsetOf(d.template().getMetadata().getLabels().entrySet());
        }
        var secret = one(objects, Secret.class, "forge-secrets");
        var configMaps = all(objects, ConfigMap.class).stream().map(c -> c.getMetadata().getName()).toList();
        for (Workload d : deployments) {
            for (Container c : d.template().getSpec().getContainers()) {
                c.getEnvFrom().forEach(e -> assertThat(configMaps).contains(e.getConfigMapRef().getName()));
                c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> {
                            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("forge-secrets");
                            assertThat(secret.getStringData()).as(d.name() + " " + e.getName())
                                    .containsKey(e.getValueFrom().getSecretKeyRef().getKey());
                        });
            }
        }
        var hpa = one(objects, HorizontalPodAutoscaler.class, "forge-worker");
        one(objects, Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
        for (PodDisruptionBudget pdb : all(objects, PodDisruptionBudget.class)) {
            assertThat(deployments).anyMatch(d -> d.template().getMetadata().getLabels().entrySet()
                    .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        }
        var services = all(objects, Service.class);
        one(objects, Ingress.class, "forge").getSpec().getRules().forEach(rule -> rule.getHttp().getPaths()
                .forEach(path -> {
                    var backend = path.getBackend().getService();
                    assertThat(services).anyMatch(s -> s.getMetadata().getName().equals(backend.getName())
                            && s.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getPort()
                                    .getName())));
                }));
    }

    @Test
    void secretsLiveInTheSecretAndTheWorkerIsGivenItsGracePeriod() throws IOException {
        var values = values();
        var objects = render(values);
        @SuppressWarnings("unchecked")
        var secrets = (Map<String, Object>) values.get("secrets");
        for (HasMetadata o : objects) {
            if (o instanceof Secret) {
                continue;
            }
            String text = YAML.writeValueAsString(o);
            secrets.values().stream().map(String::valueOf).filter(v -> !v.isBlank()).forEach(v -> assertThat(text)
                    .as(o.getKind() + " " + o.getMetadata().getName()).doesNotContain(v));
        }
        // only the monitor holds the gateway token; only the gateway provisions the admin key
        var tokenHolders = all(objects, Deployment.class).stream().filter(d -> d.getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().anyMatch(e -> e.getName().equals("GATEWAY_TOKEN_LOCAL")))
                .map(d -> d.getMetadata().getName()).toList();
        assertThat(tokenHolders).containsExactly("forge-monitor");
        // the runner hosts code Forge did not write: it holds only the secrets it uses itself
        var runnerEnv = one(objects, StatefulSet.class, "forge-runner").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().map(e -> e.getName()).toList();
        assertThat(runnerEnv).doesNotContain("FORGE_SECRET_KEY", "FORGE_SECRET_PREVIOUS_KEYS",
                "FORGE_AUTH_BOOTSTRAP_ADMIN_KEY", "GATEWAY_TOKEN_LOCAL").contains("QUARKUS_DATASOURCE_PASSWORD");

        @SuppressWarnings("unchecked")
        var worker = (Map<String, Object>) values.get("worker");
        int grace = (Integer) worker.get("shutdownGraceSeconds");
        var pod = one(objects, Deployment.class, "forge-worker").getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).as("SIGKILL comes after the worker's own grace")
                .isGreaterThanOrEqualTo(grace + 10L);
        assertThat(one(objects, ConfigMap.class, "forge-config").getData())
                .containsEntry("FORGE_WORKER_SHUTDOWN_GRACE", grace + "s");
        // the configuration key the variable sets exists in the worker
        assertThat(Files.readString(Path.of("../worker-service/src/main/java/dev/forge/worker/config/"
                + "WorkerConfig.java")))
                .contains("Duration shutdownGrace()");
    }

    @Test
    void bundledStateLivesOnClaimsSizedByTheValues() throws IOException {
        var values = values();
        var objects = render(values);
        var services = all(objects, Service.class).stream().map(s -> s.getMetadata().getName()).toList();
        for (var entry : Map.of("forge-postgres", "postgres", "forge-rabbitmq", "rabbitmq", "forge-s3", "s3")
                .entrySet()) {
            var set = one(objects, StatefulSet.class, entry.getKey());
            assertThat(services).as(entry.getKey() + " governing Service").contains(set.getSpec().getServiceName());
            var pod = set.getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes()).as(entry.getKey() + " keeps nothing on pod storage").isEmpty();
            var claims = set.getSpec().getVolumeClaimTemplates();
            assertThat(claims).hasSize(1);
            String claim = claims.get(0).getMetadata().getName();
            assertThat(pod.getContainers().get(0).getVolumeMounts()).as(entry.getKey() + " mounts its claim")
                    .anyMatch(m -> m.getName().equals(claim));
            @SuppressWarnings("unchecked")
            var part = (Map<String, Object>) values.get(entry.getValue());
            assertThat(claims.get(0).getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity(String.valueOf(part.get("storage"))));
        }
    }

    @Test
    void theRunnerIsTheWorkerImageInTheRunnerRole() throws IOException {
        var values = values();
        var objects = render(values);
        var runner = one(objects, StatefulSet.class, "forge-runner");
        var pod = runner.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        var worker = one(objects, Deployment.class, "forge-worker").getSpec().getTemplate().getSpec().getContainers()
                .get(0);
        assertThat(container.getImage()).isEqualTo(worker.getImage());
        var env = container.getEnv().stream().collect(Collectors.toMap(e -> e.getName(), e -> e));
        assertThat(env.get("FORGE_RUNNER_ENABLED").getValue()).isEqualTo("true");
        assertThat(env.get("FORGE_RUNNER_ID").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        // with Consul on it registers at its pod's address (as webapp-runner, WorkerCatalogEntry), not 127.0.0.1
        assertThat(env.get("FORGE_ADVERTISED_ADDRESS").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("status.podIP");
        int port = container.getPorts().stream().filter(p -> p.getName().equals("http")).findFirst().orElseThrow()
                .getContainerPort();
        assertThat(env.get("QUARKUS_HTTP_PORT").getValue()).isEqualTo(String.valueOf(port));
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        // the workdir is on the claim
        String mount = container.getVolumeMounts().get(0).getMountPath();
        assertThat(env.get("FORGE_RUNNER_WORKDIR").getValue()).startsWith(mount + "/");
        assertThat(runner.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName())
                .isEqualTo(container.getVolumeMounts().get(0).getName());
        // the variables are the worker's own settings
        assertThat(serviceConfig("worker-service").getProperty("forge.runner.enabled"))
                .isEqualTo("${FORGE_RUNNER_ENABLED:false}");
        String runnerConfig = Files.readString(Path.of("../worker-service/src/main/java/dev/forge/worker/config/"
                + "RunnerConfig.java"));
        assertThat(runnerConfig).contains("prefix = \"forge.runner\"", "Optional<String> id()",
                "Optional<String> workdir()", "String advertisedHost()");
        // its apps are reachable through the ingress
        var apps = one(objects, Ingress.class, "forge").getSpec().getRules().stream()
                .filter(r -> r.getHost().equals(((Map<?, ?>) values.get("ingress")).get("appsHost"))).findFirst()
                .orElseThrow();
        assertThat(apps.getHttp().getPaths().get(0).getPath()).isEqualTo("/apps");
        assertThat(apps.getHttp().getPaths().get(0).getBackend().getService().getName()).isEqualTo("forge-runner");

        @SuppressWarnings("unchecked")
        var runnerValues = (Map<String, Object>) values.get("runner");
        runnerValues.put("enabled", false);
        var without = render(values);
        assertThat(all(without, StatefulSet.class)).noneMatch(s -> s.getMetadata().getName().equals("forge-runner"));
        assertThat(one(without, Ingress.class, "forge").getSpec().getRules()).hasSize(2);
    }

    @Test
    void externalDependenciesAndNoIngressRenderToo() throws IOException {
        var values = values();
        for (String dependency : List.of("postgres", "redis", "rabbitmq", "consul", "s3")) {
            part(values, dependency).put("enabled", false);
        }
        part(values, "postgres").put("host", "db.internal");
        part(values, "redis").put("host", "cache.internal");
        part(values, "rabbitmq").put("host", "bus.internal");
        part(values, "s3").put("endpoint", "https://s3.eu-west-1.amazonaws.com");
        @SuppressWarnings("unchecked")
        var ingress = (Map<String, Object>) values.get("ingress");
        ingress.put("enabled", false);
        var objects = render(values);
        assertThat(all(objects, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("forge-gateway", "forge-worker", "forge-skill", "forge-monitor");
        assertThat(all(objects, StatefulSet.class)).extracting(d -> d.getMetadata().getName())
                .containsExactly("forge-runner");
        assertThat(all(objects, Ingress.class)).isEmpty();
        assertThat(one(objects, ConfigMap.class, "forge-config").getData())
                .containsEntry("FORGE_DB_REACTIVE_URL", "postgresql://db.internal:5432/forge")
                .containsEntry("FORGE_REDIS_URL", "redis://cache.internal:6379")
                .containsEntry("FORGE_RABBITMQ_HOST", "bus.internal")
                .containsEntry("FORGE_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com");
        part(values, "postgres").put("host", "");
        assertThatThrownBy(() -> render(values)).as("an external database without a host")
                .hasMessageContaining("postgres.host is needed");
        part(values, "postgres").put("host", "db.internal");

        @SuppressWarnings("unchecked")
        var consul = (Map<String, Object>) values.get("consul");
        consul.put("enabled", true);
        var withConsul = render(values);
        one(withConsul, Deployment.class, "forge-consul");
        assertThat(one(withConsul, ConfigMap.class, "forge-config").getData())
                .containsEntry("FORGE_CONSUL_ENABLED", "true").containsEntry("FORGE_DISCOVERY", "consul");
    }

    @Test
    void helmLintsTheChartClean() {
        var lint = HelmChart.lint();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void theValuesSchemaRefusesWrongTypesUnknownKeysAndWeakSecrets() throws IOException {
        var values = values();
        part(values, "gateway").put("replicas", "two");
        assertThatThrownBy(() -> render(values)).hasMessageContaining("replicas");
        var typo = values();
        part(typo, "worker").put("slot", 8);
        assertThatThrownBy(() -> render(typo)).hasMessageContaining("slot");
        var weak = values();
        part(weak, "secrets").put("adminKey", "short");
        assertThatThrownBy(() -> render(weak)).hasMessageContaining("adminKey");
        var port = values();
        part(port, "gateway").put("httpPort", 70000);
        assertThatThrownBy(() -> render(port)).hasMessageContaining("httpPort");
    }

    @Test
    void twoReleasesShareANamespaceWithoutColliding() throws IOException {
        var forge = render("forge", values());
        var blue = render("blue", values());
        var forgeNames = forge.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        var blueNames = blue.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        assertThat(blueNames).hasSameSizeAs(forgeNames).doesNotContainAnyElementsOf(forgeNames)
                .contains("Deployment/blue-forge-gateway", "Secret/blue-forge-secrets");
        // no Service, PDB or workload of one release selects the pods of the other
        var bluePods = workloads(blue).stream().map(w -> w.template().getMetadata().getLabels()).toList();
        for (Service service : all(forge, Service.class)) {
            assertThat(bluePods).as("Service " + service.getMetadata().getName())
                    .noneMatch(labels -> labels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
        }
        for (Workload workload : workloads(forge)) {
            assertThat(bluePods).as("selector of " + workload.name()).noneMatch(labels -> labels.entrySet()
                    .containsAll(workload.selector().getMatchLabels().entrySet()));
        }
        // and each release's services are pointed at its own
        var config = one(blue, ConfigMap.class, "blue-forge-config").getData();
        assertThat(config.get("FORGE_DB_REACTIVE_URL")).startsWith("postgresql://blue-forge-postgres:");
        assertThat(config.get("GATEWAY_LOCAL_URL")).startsWith("http://blue-forge-gateway:");
        assertThat(one(blue, Deployment.class, "blue-forge-gateway").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("blue-forge-config");
    }

    @Test
    void podsRollWhenTheConfigurationOrASecretChanges() throws IOException {
        var before = checksums(render(values()));
        assertThat(before).hasSize(5).allSatisfy((name, sum) -> assertThat(sum).matches("[0-9a-f]{64}"));
        var values = values();
        part(values, "secrets").put("adminKey", "another-admin-key-0123456789");
        var afterSecret = checksums(render(values));
        before.forEach((name, sum) -> assertThat(afterSecret.get(name)).as(name).isNotEqualTo(sum));
        var scaled = values();
        part(scaled, "gateway").put("replicas", 3);
        assertThat(checksums(render(scaled))).as("a replica count is not configuration").isEqualTo(before);
    }

    /** The config checksum annotation of every Forge workload's pods. */
    private static Map<String, String> checksums(List<HasMetadata> objects) {
        var out = new LinkedHashMap<String, String>();
        workloads(objects).stream().filter(w -> w.template().getMetadata().getAnnotations() != null
                && w.template().getMetadata().getAnnotations().containsKey("checksum/config"))
                .forEach(w -> out.put(w.name(), w.template().getMetadata().getAnnotations().get("checksum/config")));
        return out;
    }

    @Test
    void aMisspelledFieldIsCaught() throws IOException {
        var typo = YAML.readValue("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, ports: [{name: http, containerPort: 1, protocl: TCP}]}]
                """, Deployment.class);
        assertThatThrownBy(() -> assertNoUnknownFields(typo, "typo")).hasMessageContaining("unknown fields")
                .hasMessageContaining("replica");
    }

    /** Fails on any field the Kubernetes model did not recognize (a typo, a wrong nesting). */
    private static void assertNoUnknownFields(Object root, String where) {
        var seen = new IdentityHashMap<Object, Boolean>();
        var pending = new ArrayList<Object>(List.of(root));
        while (!pending.isEmpty()) {
            Object o = pending.remove(pending.size() - 1);
            if (o == null || seen.put(o, true) != null) {
                continue;
            }
            if (o instanceof Collection<?> c) {
                pending.addAll(c);
                continue;
            }
            if (o instanceof Map<?, ?> m) {
                pending.addAll(m.values());
                continue;
            }
            if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
                continue;
            }
            for (Method getter : o.getClass().getMethods()) {
                if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                        || getter.getDeclaringClass() == Object.class) {
                    continue;
                }
                try {
                    Object value = getter.invoke(o);
                    if (getter.getName().equals("getAdditionalProperties")) {
                        assertThat((Map<?, ?>) value).as("unknown fields in " + where + " ("
                                + o.getClass().getSimpleName() + ")").isEmpty();
                    } else {
                        pending.add(value);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
