package dev.forge.deploycheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

/**
 * The chart in {@code k8s/forge} as Helm sees it: linted and rendered by Helm itself (helm-java runs the Helm library
 * in-process), with values given as a map that is written to a values file over the chart's own defaults.
 */
final class HelmChart {

    static final Path DIRECTORY = Path.of("../k8s/forge");
    static final String NAMESPACE = "forge";

    private HelmChart() {
    }

    /** The chart's default values, a fresh mutable copy each call. */
    static Map<String, Object> values() throws IOException {
        return new Yaml().load(Files.readString(DIRECTORY.resolve("values.yaml")));
    }

    /** {@code helm template <release> k8s/forge -f <values>}: the rendered documents, empty ones left out. */
    static List<String> render(String release, Map<String, Object> values) throws IOException {
        Path file = Files.createTempFile("forge-values", ".yaml");
        try {
            var options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            Files.writeString(file, new Yaml(options).dump(values));
            String manifest = new Helm(DIRECTORY).template().withName(release).withNamespace(NAMESPACE)
                    .withValuesFile(file).call();
            var documents = new ArrayList<String>();
            for (String document : manifest.split("(?m)^---\\s*$")) {
                if (document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#"))) {
                    documents.add(document);
                }
            }
            return documents;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** {@code helm lint --strict k8s/forge} on the chart's defaults. */
    static LintResult lint() {
        return new Helm(DIRECTORY).lint().strict().call();
    }
}
