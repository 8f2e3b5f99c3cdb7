package dev.forge.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The tests' S3: the s3-local module's S3Proxy (filesystem store under the module's target/) on port 51190, started
 * once per test JVM and stopped when it exits. Tests that touch artifacts or offloaded outputs call
 * {@link #ensureStarted()} first; the services create their bucket on first use.
 */
public final class LocalS3 {

    public static final int PORT = 51190;
    public static final String ENDPOINT = "http://127.0.0.1:" + PORT;

    private static Process process;

    private LocalS3() {
    }

    public static synchronized void ensureStarted() {
        if (process != null && process.isAlive() || listening()) {
            return;
        }
        try {
            Path root = Path.of("..").toAbsolutePath().normalize();
            Path lib = root.resolve("s3-local/target/lib");
            if (!Files.isDirectory(lib)) {
                throw new IllegalStateException(lib + " is missing: build the s3-local module first");
            }
            Path dir = Path.of("target/s3-local-test").toAbsolutePath();
            Files.createDirectories(dir.resolve("data"));
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=" + ENDPOINT,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=forge-local",
                    "s3proxy.credential=forge-local-secret",
                    "jclouds.provider=filesystem",
                    "jclouds.identity=forge-local",
                    "jclouds.credential=forge-local-secret",
                    "jclouds.filesystem.basedir=" + dir.resolve("data"), ""));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(javaBin, "-Xmx256m",
                    "-Dlogback.configurationFile=" + root.resolve("s3-local/logback.xml"),
                    "-cp", lib + "/*", "org.gaul.s3proxy.Main", "--properties", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("s3proxy.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!listening()) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("local S3 did not start; see " + dir.resolve("s3proxy.log"));
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not start the local S3", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the local S3", e);
        }
    }

    private static boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", PORT), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
