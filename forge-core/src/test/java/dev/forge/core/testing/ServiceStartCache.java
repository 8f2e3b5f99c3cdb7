package dev.forge.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * How the tests launch a packaged service, as {@code deploy/forge} does: on a JDK 25 or newer when one is installed
 * beside the build's JDK ({@code FORGE_JAVA} names one), with the AOT cache (JEP 483/515) an earlier start of the
 * same jar recorded. The tests start ~60 service JVMs; on two cores a worker is ready in 4.8 s with the cache against
 * 7.8 s without (and about half the CPU), and the e2e suites spend most of their time waiting for those starts.
 * <p>
 * The first start of a jar (or the first after it was rebuilt) records: the JVM writes the cache when it exits, in a
 * forked step of ~17 s here, so {@link Start#finish} hands that wait to a background thread and moves the file into
 * place only once complete (the test JVM's exit waits up to 25 s for one still running). One recording per jar at a
 * time; a killed JVM records nothing. On a machine with only
 * the build's JDK, or a JDK older than 25, services start as before, on this JVM's java without a cache.
 */
final class ServiceStartCache {

    private static final Optional<Path> JAVA_25 = findJava25();
    // as deploy/forge runs the services on JDK 25 (a cache records the object layout: same flag when used)
    private static final String COMPACT_HEADERS = "-XX:+UseCompactObjectHeaders";
    private static final Set<Path> RECORDING = ConcurrentHashMap.newKeySet();
    private static final Set<Thread> MOVERS = ConcurrentHashMap.newKeySet();
    // a recording finishing as the suite ends is still worth keeping for the next module's tests: this JVM's exit
    // waits for it a while (surefire gives a fork 30 s to exit)
    private static final Duration EXIT_WAIT = Duration.ofSeconds(25);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServiceStartCache::awaitMovers, "aot-cache-exit"));
    }

    private ServiceStartCache() {
    }

    /** One launch: the java binary, the flags that go before {@code -jar}, and what to do once the JVM exits. */
    record Start(Path java, List<String> flags, Path recording, Path cache) {

        /** Once the JVM has been asked to stop normally: its recording, when complete, becomes the cache. */
        void finish(Process process) {
            if (recording == null) {
                return;
            }
            var mover = new Thread(() -> {
                try {
                    // the JVM exits (143 after SIGTERM) once its forked step has written the whole file
                    process.waitFor();
                    if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
                        Files.move(recording, cache, StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                } catch (IOException | InterruptedException e) {
                    // no cache this time: the next start records again
                } finally {
                    RECORDING.remove(cache);
                    MOVERS.remove(Thread.currentThread());
                }
            }, "aot-cache-" + cache.getFileName());
            mover.setDaemon(true);
            MOVERS.add(mover);
            mover.start();
        }

        /** The JVM was killed: it wrote nothing usable. */
        void abandon() {
            if (recording != null) {
                try {
                    Files.deleteIfExists(recording);
                } catch (IOException e) {
                    // a stray file in target/, harmless
                }
                RECORDING.remove(cache);
            }
        }
    }

    private static void awaitMovers() {
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        for (Thread mover : MOVERS) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                mover.join(Duration.ofNanos(left).toMillis() + 1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static Start plan(String name, Path jar) {
        Path thisJava = Path.of(System.getProperty("java.home"), "bin", "java");
        if (JAVA_25.isEmpty()) {
            return new Start(thisJava, List.of(), null, null);
        }
        Path java = JAVA_25.get();
        Path appDir = jar.toAbsolutePath().normalize().getParent();
        Path dir = appDir.getParent().resolve("test-start-cache");
        Path cache = dir.resolve(name + "-coh.aot");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(cache) && !newerFileIn(appDir, Files.getLastModifiedTime(cache))) {
                return new Start(java, List.of(COMPACT_HEADERS, "-XX:AOTCache=" + cache), null, null);
            }
            if (!RECORDING.add(cache)) {
                return new Start(java, List.of(COMPACT_HEADERS), null, null);
            }
            Files.deleteIfExists(cache);
            // what an unfinished recording left (its JVM killed, or the suite ended first)
            try (var parts = Files.newDirectoryStream(dir, name + "-*.aot.part*")) {
                for (Path part : parts) {
                    Files.deleteIfExists(part);
                }
            }
            Path recording = dir.resolve(name + "-" + UUID.randomUUID() + ".aot.part");
            return new Start(java, List.of(COMPACT_HEADERS, "-XX:AOTCacheOutput=" + recording), recording, cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the packaged application changed since the cache was written (a rebuild invalidates it). */
    private static boolean newerFileIn(Path appDir, FileTime than) throws IOException {
        try (Stream<Path> files = Files.walk(appDir)) {
            return files.anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(than) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    private static Optional<Path> findJava25() {
        String named = System.getenv("FORGE_JAVA");
        if (named != null && !named.isBlank()) {
            Path java = Path.of(named);
            return major(java.getParent().getParent()) >= 25 ? Optional.of(java) : Optional.empty();
        }
        if (Runtime.version().feature() >= 25) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(home -> Files.isExecutable(home.resolve("bin/java")) && major(home) >= 25)
                    .map(home -> home.resolve("bin/java")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A JDK's feature version from its {@code release} file ({@code JAVA_VERSION="25.0.3"}), 0 when unreadable. */
    private static int major(Path home) {
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .map(l -> l.substring(l.indexOf('"') + 1).split("[.\"]")[0]).map(Integer::parseInt).orElse(0);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
