package dev.forge.cli.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;

/**
 * Where the CLI connects and with which key: {@code ~/.config/forge/config} (written by {@code forge login}, mode
 * 0600), each value overridden by its environment variable, else the local layout {@code deploy/forge up} starts.
 *
 * @param url the gateway's gRPC address ({@code http://host:port}; {@code https://} for TLS)
 * @param restUrl the gateway's REST API, for what only REST offers (artifact uploads)
 * @param monitorUrl infra-monitor-service's REST API (logs, capacity, webapps)
 * @param key the API key, or null when none is set
 */
public record Settings(String url, String restUrl, String monitorUrl, String key, Path file) {

    public static final String DEFAULT_URL = "http://127.0.0.1:52000";
    public static final String DEFAULT_REST_URL = "http://127.0.0.1:51000";
    public static final String DEFAULT_MONITOR_URL = "http://127.0.0.1:51030";

    /**
     * The settings file: FORGE_CONFIG, else $XDG_CONFIG_HOME/forge/config, else $HOME/.config/forge/config. $HOME, as
     * other command-line tools read it (the JVM's user.home comes from the password database, which a container or a
     * {@code HOME=… forge} does not change); user.home only when HOME is unset.
     */
    public static Path file(Map<String, String> env) {
        if (present(env.get("FORGE_CONFIG"))) {
            return Path.of(env.get("FORGE_CONFIG"));
        }
        var home = present(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        var base = present(env.get("XDG_CONFIG_HOME")) ? Path.of(env.get("XDG_CONFIG_HOME"))
                : Path.of(home, ".config");
        return base.resolve("forge").resolve("config");
    }

    public static Settings load(Map<String, String> env) {
        var file = file(env);
        var stored = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
            }
        }
        return new Settings(pick(env, "FORGE_URL", stored, "url", DEFAULT_URL),
                pick(env, "FORGE_REST_URL", stored, "rest-url", DEFAULT_REST_URL),
                pick(env, "FORGE_MONITOR_URL", stored, "monitor-url", DEFAULT_MONITOR_URL),
                pick(env, "FORGE_API_KEY", stored, "key", null), file);
    }

    /** Writes the file readable by its owner only; the key never reaches a file others can read, not even briefly. */
    public void save() {
        var stored = new Properties();
        stored.setProperty("url", url);
        stored.setProperty("rest-url", restUrl);
        stored.setProperty("monitor-url", monitorUrl);
        if (key != null) {
            stored.setProperty("key", key);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            var owner = PosixFilePermissions.fromString("rw-------");
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
            }
            Files.setPosixFilePermissions(file, owner);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                stored.store(out, "forge login");
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write " + file + ": " + e.getMessage());
        }
    }

    public Settings with(String newUrl, String newRestUrl, String newMonitorUrl, String newKey) {
        return new Settings(newUrl == null ? url : newUrl, newRestUrl == null ? restUrl : newRestUrl,
                newMonitorUrl == null ? monitorUrl : newMonitorUrl, newKey == null ? key : newKey, file);
    }

    /** The key, or exit 3 saying how to set one. */
    public String requireKey() {
        if (!present(key)) {
            throw new CliException(ExitCodes.AUTH, "no API key: run 'forge login --key <key>' or set FORGE_API_KEY");
        }
        return key;
    }

    private static String pick(Map<String, String> env, String variable, Properties stored, String name,
            String fallback) {
        if (present(env.get(variable))) {
            return env.get(variable).trim();
        }
        var value = stored.getProperty(name);
        return present(value) ? value.trim() : fallback;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
