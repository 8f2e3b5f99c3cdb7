package dev.forge.worker.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A webapp's source from git (JGit): clone, or fetch and reset to the branch's head, and read the head on the
 * remote to tell whether a deployment is behind. Blocking: called on the runner's own threads.
 */
@ApplicationScoped
public class GitSource {

    private static final int TIMEOUT_SECONDS = 30;

    /** Makes {@code dir} the branch's head (cloning when it holds no repository); the commit id. */
    public String checkout(String url, String branch, Path dir) throws SourceFailure {
        try {
            if (Files.isDirectory(dir.resolve(".git"))) {
                try (var git = Git.open(dir.toFile())) {
                    git.fetch().setRemote("origin").setTimeout(TIMEOUT_SECONDS)
                            .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":refs/remotes/origin/" + branch))
                            .call();
                    git.reset().setMode(ResetType.HARD).setRef("refs/remotes/origin/" + branch).call();
                    git.clean().setCleanDirectories(true).setForce(true).call();
                    return git.getRepository().resolve("HEAD").name();
                }
            }
            deleteTree(dir);
            Files.createDirectories(dir.getParent());
            try (var git = Git.cloneRepository().setURI(url).setBranch(branch).setDirectory(dir.toFile())
                    .setTimeout(TIMEOUT_SECONDS).call()) {
                if (git.getRepository().resolve("refs/remotes/origin/" + branch) == null) {
                    throw new SourceFailure("branch '" + branch + "' does not exist at " + url);
                }
                return git.getRepository().resolve("HEAD").name();
            }
        } catch (GitAPIException | JGitInternalException | IOException e) {
            deleteQuietly(dir);
            throw new SourceFailure("cannot fetch " + url + " (branch " + branch + "): " + rootMessage(e));
        }
    }

    /** The branch's head on the remote, if it can be read now. */
    public Optional<String> remoteHead(String url, String branch) {
        try {
            return Git.lsRemoteRepository().setRemote(url).setHeads(true).setTimeout(10).call().stream()
                    .filter(ref -> ref.getName().equals("refs/heads/" + branch)).findFirst()
                    .map(ref -> ref.getObjectId().name());
        } catch (GitAPIException | JGitInternalException e) {
            return Optional.empty();
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (var p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // a half-made checkout is replaced on the next clone anyway
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
