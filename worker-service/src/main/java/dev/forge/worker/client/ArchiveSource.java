package dev.forge.worker.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.artifact.BlobStore;
import dev.forge.core.artifact.OffloadedValues;
import dev.forge.worker.repository.WebappStore.Artifact;

/**
 * A webapp's source from an uploaded zip artifact: read from the blob store, checked against its SHA-256 and
 * unpacked into the app's directory, refusing entries that would land outside it and archives that unpack too big.
 * Blocking: called on the runner's own threads.
 */
@ApplicationScoped
public class ArchiveSource {

    private static final long MAX_UNPACKED_BYTES = 512L * 1024 * 1024;
    private static final int MAX_ENTRIES = 20_000;

    private final BlobStore blobs;

    public ArchiveSource(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** Replaces {@code dir} with the archive's content; a version id for the history ({@code zip-<sha256 prefix>}). */
    public String unpack(Artifact artifact, Path dir) throws SourceFailure {
        byte[] bytes;
        try {
            bytes = blobs.get(artifact.storageKey()).await().atMost(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            throw new SourceFailure("cannot read the artifact: " + e.getMessage());
        }
        if (!OffloadedValues.sha256(bytes).equals(artifact.sha256())) {
            throw new SourceFailure("the artifact does not match its SHA-256");
        }
        try {
            GitSource.deleteTree(dir);
            Files.createDirectories(dir);
            long total = 0;
            int entries = 0;
            try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    if (++entries > MAX_ENTRIES) {
                        throw new SourceFailure("the archive holds more than " + MAX_ENTRIES + " entries");
                    }
                    Path target = dir.resolve(entry.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new SourceFailure("the archive entry '" + entry.getName()
                                + "' points outside the app's directory");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    try (var out = Files.newOutputStream(target)) {
                        byte[] buffer = new byte[64 * 1024];
                        for (int n = zip.read(buffer); n > 0; n = zip.read(buffer)) {
                            total += n;
                            if (total > MAX_UNPACKED_BYTES) {
                                throw new SourceFailure("the archive unpacks to more than "
                                        + MAX_UNPACKED_BYTES / (1024 * 1024) + " MiB");
                            }
                            out.write(buffer, 0, n);
                        }
                    }
                }
            }
            if (entries == 0) {
                throw new SourceFailure("the artifact is not a zip archive (or is empty)");
            }
            return "zip-" + artifact.sha256().substring(0, 12);
        } catch (IOException e) {
            throw new SourceFailure("cannot unpack the artifact: " + e.getMessage());
        } catch (SourceFailure e) {
            try {
                GitSource.deleteTree(dir);
            } catch (IOException ignored) {
                // replaced on the next deploy
            }
            throw e;
        }
    }
}
