package dev.forge.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a native image of each service needs registered for reflection, computed from the service's packaged
 * classpath, against what the reflect-config.json files on that classpath register (Forge's own and those the
 * libraries ship). A native build cannot run here (no GraalVM), so this is how the {@code native} profile stays honest:
 * a new Jackson-bound DTO in a provider or MCP SDK upgrade, or a new proto message, fails this test until it is
 * registered. Quarkus itself registers REST bodies, config mappings and {@code @RegisterForReflection} classes.
 */
class NativeReflectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVICES = List.of("skill-service", "worker-service", "gateway-service",
            "infra-monitor-service", "cli");

    /** A family of classes read reflectively at run time, and why. */
    private record Rule(String why, Predicate<Class<?>> needs) {
    }

    /** Libraries whose DTOs Forge hands to Jackson through their clients: LLM providers and the MCP SDK. */
    private static final List<String> JACKSON_BOUND_PACKAGES = List.of("dev.langchain4j.model.openai.internal",
            "dev.langchain4j.model.anthropic.internal.api", "dev.langchain4j.model.ollama",
            "io.modelcontextprotocol.spec");

    private static final List<Rule> RULES = List.of(
            new Rule("bound by Jackson in an LLM provider or the MCP SDK", c -> JACKSON_BOUND_PACKAGES.stream()
                    .anyMatch(p -> c.getName().startsWith(p + ".")) && (hasJacksonAnnotation(c) || c.isRecord())),
            new Rule("a Forge proto message or builder, read through protobuf's reflective accessors (JsonFormat)",
                    c -> c.getName().startsWith("dev.forge.proto.") && isProtoMessageOrBuilder(c)),
            new Rule("a forge command, mixin or option group: picocli sets its annotated fields reflectively "
                    + "(picocli-codegen registers them at compile time)",
                    c -> c.getName().startsWith("dev.forge.cli.") && hasPicocliAnnotation(c)));

    /**
     * Which module registers a class: the one that brings its library onto the classpath, so no service's config
     * names a class it does not have. Longest prefix wins.
     */
    private static final Map<String, String> OWNERS = Map.of("dev.forge.proto.", "proto", "dev.forge.cli.", "cli",
            "io.modelcontextprotocol.", "forge-core", "dev.langchain4j.model.openai.", "forge-core",
            "dev.langchain4j.model.anthropic.", "worker-service", "dev.langchain4j.model.ollama.", "worker-service");

    /**
     * Run with {@code -Dforge.native.write=true} to add what is missing to the owners' reflect-config.json files
     * (then review and commit them); without it the test only checks.
     */
    private static final boolean WRITE = Boolean.getBoolean("forge.native.write");

    @Test
    void everyClassReadReflectivelyIsRegisteredForTheNativeImage() throws IOException {
        var missing = new TreeSet<String>();
        var toWrite = new TreeMap<String, Set<String>>();
        int checked = 0;
        for (String service : SERVICES) {
            var jars = classpath(service);
            var registered = registered(jars);
            try (var loader = new URLClassLoader(jars.stream().map(NativeReflectionTest::url).toArray(URL[]::new),
                    ClassLoader.getPlatformClassLoader())) {
                for (String name : classNames(jars)) {
                    Class<?> type;
                    try {
                        type = Class.forName(name, false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        continue; // an optional dependency of a class no service reaches
                    }
                    for (var rule : RULES) {
                        if (safely(rule.needs(), type)) {
                            checked++;
                            if (!registered.contains(name)) {
                                missing.add(service + ": " + name + " (" + rule.why() + ")");
                                toWrite.computeIfAbsent(owner(name), o -> new TreeSet<>()).add(name);
                            }
                        }
                    }
                }
            }
        }
        if (WRITE) {
            for (var entry : toWrite.entrySet()) {
                write(entry.getKey(), entry.getValue());
            }
        }
        assertThat(checked).as("classes the rules found (the rules still match the libraries)").isGreaterThan(100);
        assertThat(missing).as("register these in a META-INF/native-image/**/reflect-config.json of the module that "
                + "brings the library").isEmpty();
    }

    @Test
    void forgesReflectConfigsNameOnlyClassesThatExist() throws IOException {
        for (String service : SERVICES) {
            var jars = classpath(service);
            var names = new TreeSet<>(classNames(jars));
            for (var jar : jars) {
                if (!jar.getFileName().toString().startsWith("dev.forge.") && !jar.toString().contains("/app/")
                        && !jar.getFileName().toString().equals("forge-cli.jar")) {
                    continue;
                }
                for (var entry : configs(jar).entrySet()) {
                    for (var item : entry.getValue()) {
                        String name = item.path("name").asText();
                        // picocli-codegen also registers the JDK types of options (java.lang.Integer, …)
                        if (!jdkClass(name)) {
                            assertThat(names).as(jar.getFileName() + " " + entry.getKey()).contains(name);
                        }
                    }
                }
            }
        }
    }

    private static boolean jdkClass(String name) {
        try {
            Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String owner(String className) {
        return OWNERS.entrySet().stream().filter(e -> className.startsWith(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue)
                .orElseThrow(() -> new AssertionError("no owning module for " + className + "; add one to OWNERS"));
    }

    /** Adds classes to a module's reflect-config.json: every constructor, method and field, as Jackson may use. */
    private static void write(String module, Set<String> classes) throws IOException {
        var file = Path.of("..", module, "src/main/resources/META-INF/native-image/dev.forge", module,
                "reflect-config.json");
        var names = new TreeSet<>(classes);
        if (Files.exists(file)) {
            JSON.readTree(file.toFile()).forEach(item -> names.add(item.path("name").asText()));
        }
        var out = JSON.createArrayNode();
        for (String name : names) {
            out.addObject().put("name", name).put("allDeclaredConstructors", true).put("allDeclaredMethods", true)
                    .put("allDeclaredFields", true);
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
    }

    private static boolean safely(Predicate<Class<?>> test, Class<?> type) {
        try {
            return test.test(type);
        } catch (LinkageError e) {
            return false;
        }
    }

    private static boolean hasJacksonAnnotation(Class<?> type) {
        var elements = new ArrayList<AnnotatedElement>();
        elements.add(type);
        elements.addAll(List.of(type.getDeclaredFields()));
        elements.addAll(List.of(type.getDeclaredMethods()));
        elements.addAll(List.of(type.getDeclaredConstructors()));
        return elements.stream().flatMap(e -> Stream.of(e.getDeclaredAnnotations()))
                .anyMatch(a -> a.annotationType().getName().startsWith("com.fasterxml.jackson."));
    }

    private static boolean hasPicocliAnnotation(Class<?> type) {
        var elements = new ArrayList<AnnotatedElement>();
        elements.add(type);
        elements.addAll(List.of(type.getDeclaredFields()));
        return elements.stream().flatMap(e -> Stream.of(e.getDeclaredAnnotations()))
                .anyMatch(a -> a.annotationType().getName().startsWith("picocli.CommandLine$"));
    }

    private static boolean isProtoMessageOrBuilder(Class<?> type) {
        for (Class<?> c = type.getSuperclass(); c != null; c = c.getSuperclass()) {
            String name = c.getName();
            if (name.equals("com.google.protobuf.GeneratedMessage")
                    || name.equals("com.google.protobuf.GeneratedMessage$Builder")) {
                return true;
            }
        }
        return false;
    }

    /** The service's packaged classpath: its own jar and every runtime dependency; the CLI's jar and its lib/. */
    static List<Path> classpath(String service) throws IOException {
        if (service.equals("cli")) {
            var target = Path.of("..", "cli", "target");
            assertThat(target.resolve("forge-cli.jar")).as("the cli must be packaged first (./mvnw package)").exists();
            var jars = new ArrayList<Path>(List.of(target.resolve("forge-cli.jar")));
            try (var files = Files.list(target.resolve("lib"))) {
                files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
            return jars;
        }
        var app = Path.of("..", service, "target/quarkus-app");
        assertThat(app.resolve("quarkus-run.jar")).as(service + " must be packaged first (./mvnw package)")
                .exists();
        var jars = new ArrayList<Path>();
        for (String dir : List.of("app", "lib/main")) {
            try (var files = Files.list(app.resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        return jars;
    }

    private static List<String> classNames(List<Path> jars) throws IOException {
        var names = new ArrayList<String>();
        for (var jar : jars) {
            try (var file = new JarFile(jar.toFile())) {
                file.stream().map(e -> e.getName())
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                        .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                        .forEach(names::add);
            }
        }
        return names;
    }

    /** Every class a reflect-config.json on the classpath names. */
    private static Set<String> registered(List<Path> jars) throws IOException {
        var out = new TreeSet<String>();
        for (var jar : jars) {
            for (var items : configs(jar).values()) {
                items.forEach(item -> out.add(item.path("name").asText()));
            }
        }
        return out;
    }

    private static Map<String, List<JsonNode>> configs(Path jar) throws IOException {
        var out = new TreeMap<String, List<JsonNode>>();
        try (var file = new JarFile(jar.toFile())) {
            for (var entry : file.stream().filter(e -> e.getName().startsWith("META-INF/native-image/")
                    && e.getName().endsWith("reflect-config.json")).toList()) {
                try (var in = file.getInputStream(entry)) {
                    var items = new ArrayList<JsonNode>();
                    JSON.readTree(in).forEach(items::add);
                    out.put(entry.getName(), items);
                }
            }
        }
        return out;
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path.toString(), e);
        }
    }
}
