package dev.forge.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The per-service Dockerfiles and deploy/compose.yaml, cross-checked against the services' configuration and the
 * chart: exposed and published ports, what the images copy, image names, environment variable names, the worker's
 * stop grace. (No Docker engine here: the files are checked, not built.)
 */
class ImagesAndComposeTest {

    /** Compose service → module. */
    private static final Map<String, String> SERVICES = Map.of("gateway", "gateway-service", "worker",
            "worker-service", "skill", "skill-service", "monitor", "infra-monitor-service");
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+\\S+\\s*$");

    private static List<Integer> ports(String module) throws IOException {
        var properties = new Properties();
        try (var in = Files.newInputStream(Path.of("..", module, "src/main/resources/application.properties"))) {
            properties.load(in);
        }
        var out = new ArrayList<Integer>();
        out.add(Integer.parseInt(properties.getProperty("quarkus.http.port")));
        if (properties.getProperty("quarkus.grpc.server.port") != null) {
            out.add(Integer.parseInt(properties.getProperty("quarkus.grpc.server.port")));
        }
        // the gateway's LangGraph API port
        if (properties.getProperty("forge.langgraph.port") != null) {
            out.add(Integer.parseInt(properties.getProperty("forge.langgraph.port")));
        }
        return out;
    }

    @Test
    void dockerfilesExposeTheServicesPortsAndCopyWhatExists() throws IOException {
        for (String module : SERVICES.values()) {
            for (String flavour : List.of("Dockerfile.jvm", "Dockerfile.native")) {
                var file = Path.of("..", module, "src/main/docker", flavour);
                String text = Files.readString(file);
                var exposed = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(text);
                assertThat(exposed.find()).as(file + " EXPOSE").isTrue();
                assertThat(List.of(exposed.group(1).trim().split("\\s+"))).as(file + " ports")
                        .containsExactlyElementsOf(ports(module).stream().map(String::valueOf).toList());
                var copies = COPY.matcher(text);
                while (copies.find()) {
                    String source = copies.group(1);
                    if (source.contains("/target/")) {
                        // build output: the module named must be the one the file belongs to
                        assertThat(source).as(file + " copies its own module").startsWith(module + "/target/");
                    } else {
                        assertThat(Path.of("..", source)).as(file + " copies " + source).exists();
                    }
                }
                assertThat(text).as(file + " runs as a non-root user").containsPattern("(?m)^USER \\d+");
            }
        }
    }

    @Test
    void composeMatchesTheServicesAndTheChart() throws IOException {
        // SnakeYAML applies the "<<" merges of the shared environment block (Jackson's tree reader does not)
        Object loaded = new Yaml().load(Files.readString(Path.of("../deploy/compose.yaml")));
        JsonNode compose = new ObjectMapper().valueToTree(loaded);
        var values = HelmChart.values();
        @SuppressWarnings("unchecked")
        var image = (Map<String, Object>) values.get("image");
        String chartConfig = Files.readString(Path.of("../k8s/forge/templates/config.yaml"));
        for (var entry : SERVICES.entrySet()) {
            JsonNode service = compose.path("services").path(entry.getKey());
            assertThat(service.isMissingNode()).as("compose service " + entry.getKey()).isFalse();
            assertThat(Path.of("..", service.path("build").path("dockerfile").asText())).exists()
                    .hasToString("../" + entry.getValue() + "/src/main/docker/Dockerfile.jvm");
            assertThat(service.path("image").asText()).isEqualTo(image.get("registry") + "/" + entry.getValue() + ":"
                    + image.get("tag"));
            var published = new HashSet<Integer>();
            service.path("ports").forEach(p -> {
                var parts = p.asText().split(":");
                assertThat(parts[0]).as(entry.getKey() + " publishes on the port it listens on").isEqualTo(parts[1]);
                published.add(Integer.parseInt(parts[1]));
            });
            assertThat(ports(entry.getValue())).containsAll(published);
            // every variable is one the chart sets too (same names in both deployments)
            assertThat(environment(service)).as(entry.getKey() + " gets the shared block")
                    .contains("FORGE_DB_REACTIVE_URL", "FORGE_RABBITMQ_HOST", "FORGE_SECRET_KEY");
            for (String variable : environment(service)) {
                assertThat(chartConfig.contains(variable + ":") || variable.equals("JAVA_OPTS_APPEND")
                        || Files.readString(Path.of("../k8s/forge/templates", entry.getValue().equals("infra-monitor-"
                                + "service") ? "monitor.yaml" : entry.getKey() + ".yaml")).contains(variable)
                        || compose.path("services").path("postgres").toString().contains(variable))
                        .as(entry.getKey() + " variable " + variable + " is one the chart knows").isTrue();
            }
        }
        @SuppressWarnings("unchecked")
        var worker = (Map<String, Object>) values.get("worker");
        int grace = (Integer) worker.get("shutdownGraceSeconds");
        JsonNode composeWorker = compose.path("services").path("worker");
        assertThat(composeWorker.path("environment").path("FORGE_WORKER_SHUTDOWN_GRACE").asText())
                .isEqualTo(grace + "s");
        assertThat(Integer.parseInt(composeWorker.path("stop_grace_period").asText().replace("s", "")))
                .isGreaterThanOrEqualTo(grace + 10);
        // what the dependencies store survives a re-created container, on declared named volumes
        for (var stateful : Map.of("postgres", "/var/lib/postgresql/data", "rabbitmq", "/var/lib/rabbitmq", "s3",
                "/data").entrySet()) {
            var mounts = new ArrayList<String>();
            compose.path("services").path(stateful.getKey()).path("volumes").forEach(v -> mounts.add(v.asText()));
            assertThat(mounts).as(stateful.getKey() + " volumes").anyMatch(m -> m.endsWith(":" + stateful.getValue()));
            mounts.forEach(m -> assertThat(compose.path("volumes").has(m.split(":")[0]))
                    .as("named volume " + m + " is declared").isTrue());
        }
    }

    /** A compose service's variable names. */
    private static Set<String> environment(JsonNode service) {
        var names = new HashSet<String>();
        service.path("environment").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
