package dev.forge.core.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How Forge starts code it did not write (webapps, stdio MCP servers): from an empty environment plus a short
 * allowlist, never the service's own (which holds the database password, {@code FORGE_SECRET_KEY}, API keys), and,
 * when the service runs as root, as an unprivileged user through util-linux's {@code setpriv} (no supplementary
 * groups, no new privileges through setuid binaries). {@link ProcessBuilder} cannot change users itself.
 */
public final class ChildProcesses {

    /** The only variables a child takes from the service's environment: none of them can hold a secret. */
    public static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ");

    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    private static final String SETPRIV = "/usr/bin/setpriv";

    private ChildProcesses() {
    }

    /**
     * {@code PATH}, {@code LANG} (and {@code LC_ALL}, {@code TZ} when set) from this process; {@code HOME}. With
     * {@code otherUser}, PATH keeps only the directories another user can reach (a root service's PATH often starts
     * in {@code /root}, where {@code python3} would then resolve to a file the child may not run).
     */
    public static Map<String, String> baseEnvironment(Path home, boolean otherUser) {
        var env = new LinkedHashMap<String, String>();
        for (String name : INHERITED) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        if (otherUser) {
            env.put("PATH", reachablePath(env.get("PATH")));
        }
        env.putIfAbsent("LANG", "C.UTF-8");
        env.put("HOME", home.toString());
        return env;
    }

    /** The entries of {@code path} every user may search: each directory up to the root has the x bit for others. */
    static String reachablePath(String path) {
        var kept = new ArrayList<String>();
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && !kept.contains(entry) && reachableByOthers(Path.of(entry))) {
                kept.add(entry);
            }
        }
        return kept.isEmpty() ? DEFAULT_PATH : String.join(":", kept);
    }

    /** Whether every directory from the root down to {@code path} lets other users pass (the x bit for others). */
    public static boolean reachableByOthers(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.getParent();
        try {
            for (Path p = dir == null ? null : dir.toRealPath(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A process builder for {@code command} whose environment is exactly {@code env}. */
    public static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        var builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    /** Whether this service runs as root, where children must be moved to another user. */
    public static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code setpriv} is installed (util-linux; Debian's images have it). */
    public static boolean canChangeUser() {
        return Files.isExecutable(Path.of(SETPRIV));
    }

    /** {@code command} run as {@code uid}:{@code uid} with no supplementary groups and no new privileges. */
    public static List<String> asUser(int uid, List<String> command) {
        var wrapped = new ArrayList<String>(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "--no-new-privs", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Gives {@code dir} and everything under it to {@code uid} (owner only: 0700 on {@code dir}), so a child running
     * as that user can write there and no other unprivileged user can look in. Symbolic links are not followed.
     */
    public static void giveTo(Path dir, int uid) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** Lets other users pass through {@code dir} to what they own below it, without listing it (0711). */
    public static void traversableOnly(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
}
