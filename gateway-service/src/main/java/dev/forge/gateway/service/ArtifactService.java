package dev.forge.gateway.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.artifact.BlobStore;
import dev.forge.gateway.repository.ArtifactRepository;
import dev.forge.gateway.repository.ArtifactRepository.Artifact;
import io.smallrye.mutiny.Uni;

/**
 * Artifacts: files a workspace uploads (bytes in S3, size, SHA-256 and content type in PostgreSQL) and runs reference.
 * Every lookup is scoped to the caller's workspace; another workspace's artifact does not exist for it.
 */
@ApplicationScoped
public class ArtifactService {

    private static final Logger LOG = Logger.getLogger(ArtifactService.class);

    private final ArtifactRepository artifacts;
    private final BlobStore blobs;

    public ArtifactService(ArtifactRepository artifacts, BlobStore blobs) {
        this.artifacts = artifacts;
        this.blobs = blobs;
    }

    /** Where a new artifact's bytes go: by id alone, so names and workspaces never shape S3 keys. */
    public static String storageKey(UUID id) {
        return "artifacts/" + id;
    }

    public Uni<Artifact> get(String workspace, String id) {
        UUID uuid = Requests.pathId("artifact", id);
        return artifacts.find(workspace, uuid).map(found -> found.orElseThrow(() -> ApiProblem.notFound("artifact",
                id)));
    }

    /** Newest first; {@code before} is the previous page's last id. */
    public Uni<List<Artifact>> list(String workspace, String before, int limit, int offset) {
        if (before == null || before.isBlank()) {
            return artifacts.list(workspace, null, null, limit, offset);
        }
        return get(workspace, before).flatMap(last -> artifacts.list(workspace, last.createdAt(), last.id(), limit,
                offset));
    }

    public Uni<Artifact> record(UUID id, String workspace, String name, String contentType, long size, String sha256,
            UUID createdBy) {
        return artifacts.insert(id, workspace, name, contentType, size, sha256, storageKey(id), createdBy);
    }

    /**
     * Deletes an artifact: 409 while an unfinished run references it. The row goes first, then the bytes; bytes
     * left behind by a failed S3 delete are unreachable and only cost space.
     */
    public Uni<Void> delete(String workspace, String id) {
        UUID uuid = Requests.pathId("artifact", id);
        return artifacts.delete(workspace, uuid).flatMap(outcome -> {
            if (outcome.blockedBy().isPresent()) {
                throw new ApiProblem(409, "artifact-in-use", "Artifact in use", "artifact " + id
                        + " is referenced by run " + outcome.blockedBy().get() + ", which has not finished", null);
            }
            var deleted = outcome.deleted().orElseThrow(() -> ApiProblem.notFound("artifact", id));
            return blobs.delete(deleted.storageKey()).onFailure().recoverWithItem(e -> {
                LOG.warnf("Artifact %s deleted; its S3 object %s was not (%s)", id, deleted.storageKey(),
                        e.getMessage());
                return null;
            });
        });
    }
}
