package dev.forge.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where artifacts and offloaded step outputs live, and how large they may be. */
@ConfigMapping(prefix = "forge.artifacts")
public interface ArtifactsConfig {

    /** The S3 bucket holding uploads and offloaded outputs. */
    @WithDefault("forge")
    String bucket();

    /** Create the bucket at start-up when it is missing (the local S3 starts empty). */
    @WithDefault("true")
    boolean createBucket();

    /** The largest upload accepted, in bytes (100 MiB). */
    @WithDefault("104857600")
    long maxUploadBytes();

    /** Executor outputs whose JSON is larger than this many bytes go to S3; the checkpoint keeps a reference. */
    @WithDefault("262144")
    int offloadThresholdBytes();

    /**
     * Uploads are streamed to S3 in parts of this size (S3's minimum is 5 MiB): a gateway holds at most one part of
     * each upload in memory.
     */
    @WithDefault("8388608")
    int partSizeBytes();

    /**
     * Bytes of artifact text one run may place into its prompts (the texts of its textual artifacts of at most 1 MiB
     * each, added up). A run whose artifacts declare more is refused at creation (422); a worker reads no more than
     * this and marks what it left out. 20 texts of 1 MiB once took a 192 MiB worker out of memory.
     */
    @WithDefault("2097152")
    long promptBudgetBytes();
}
