package dev.forge.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;

import dev.forge.core.sandbox.ChildProcesses;

/**
 * This JVM's class path as an unprivileged user can read it. As root, Forge starts child processes as another
 * user, and the Maven repository under {@code /root} (mode 0700) is closed to it: its jars are linked (copied across
 * file systems) into a world-readable directory once per JVM; directories of classes stay where they are.
 */
public final class ReadableClasspath {

    private static String cached;

    private ReadableClasspath() {
    }

    public static synchronized String get() {
        if (cached == null) {
            cached = build(System.getProperty("java.class.path"));
        }
        return cached;
    }

    private static String copyTree(Path source, Path target) throws IOException {
        try (var tree = Files.walk(source)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path copy = target.resolve(source.relativize(p).toString());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(Files.isDirectory(copy)
                        ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target.toString();
    }

    private static String build(String classpath) {
        try {
            Path dir = Files.createTempDirectory("forge-cp");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            var entries = new ArrayList<String>();
            int n = 0;
            for (String entry : classpath.split(File.pathSeparator)) {
                Path source = Path.of(entry);
                Path target = dir.resolve((n++) + "-" + source.getFileName());
                if (Files.isDirectory(source)) {
                    // a clone somewhere private: its classes are copied too
                    entries.add(ChildProcesses.reachableByOthers(source) ? entry : copyTree(source, target));
                    continue;
                }
                if (!Files.isRegularFile(source)) {
                    entries.add(entry);
                    continue;
                }
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(target.toString());
            }
            return String.join(File.pathSeparator, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
