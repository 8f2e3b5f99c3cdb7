package dev.forge.core.artifact;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.core.config.ArtifactsConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The S3 bucket behind artifacts and offloaded outputs. The AWS SDK client is synchronous, so every call here runs on
 * a worker thread: the Uni-returning methods shift there themselves, the methods named {@code *Blocking} must only be
 * called from a worker thread.
 */
@ApplicationScoped
public class BlobStore {

    private static final Logger LOG = Logger.getLogger(BlobStore.class);

    private final S3Client s3;
    private final ArtifactsConfig config;

    public BlobStore(S3Client s3, ArtifactsConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    /** Creates the bucket in the background when configured to; S3 being down at start-up is not fatal. */
    void start(@Observes StartupEvent event) {
        if (config.createBucket()) {
            onWorker(() -> {
                ensureBucketBlocking();
                return null;
            }).subscribe().with(x -> { }, e -> LOG.warnf("S3 bucket '%s' not ready yet (%s); artifacts fail until "
                    + "S3 answers", config.bucket(), e.getMessage()));
        }
    }

    public String bucket() {
        return config.bucket();
    }

    void ensureBucketBlocking() {
        try {
            s3.headBucket(b -> b.bucket(config.bucket()));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(config.bucket()));
            LOG.infof("Created S3 bucket '%s'", config.bucket());
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(config.bucket()));
            LOG.infof("Created S3 bucket '%s'", config.bucket());
        }
    }

    public Uni<Void> put(String key, byte[] bytes, String contentType) {
        return onWorker(() -> {
            putBlocking(key, bytes, contentType);
            return null;
        });
    }

    public void putBlocking(String key, byte[] bytes, String contentType) {
        // whole bodies: S3-compatible servers differ on the SDK's chunked, checksummed streaming encoding
        withBucket(() -> s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType(contentType)
                .contentLength((long) bytes.length), RequestBody.fromBytes(bytes)));
    }

    /** Runs a write; when the bucket is missing (S3 was down at start-up, or it was removed) creates it and retries. */
    private <T> T withBucket(Supplier<T> write) {
        try {
            return write.get();
        } catch (NoSuchBucketException e) {
            if (!config.createBucket()) {
                throw e;
            }
            ensureBucketBlocking();
            return write.get();
        }
    }

    public Uni<byte[]> get(String key) {
        return onWorker(() -> s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key(key)).asByteArray());
    }

    /** A streamed read; the caller closes it. Empty when the object does not exist. */
    public ResponseInputStream<GetObjectResponse> openBlocking(String key) {
        try {
            return s3.getObject(b -> b.bucket(config.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    public Uni<Void> delete(String key) {
        return onWorker(() -> {
            s3.deleteObject(b -> b.bucket(config.bucket()).key(key));
            return null;
        });
    }

    /** Starts a multipart upload; parts then go through {@link MultipartUpload#uploadPartBlocking}. */
    public MultipartUpload startMultipartBlocking(String key, String contentType) {
        String uploadId = withBucket(() -> s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                .contentType(contentType))).uploadId();
        return new MultipartUpload(key, uploadId);
    }

    /** One multipart upload in progress: parts in order, then complete or abort. */
    public final class MultipartUpload {
        private final String key;
        private final String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        MultipartUpload(String key, String uploadId) {
            this.key = key;
            this.uploadId = uploadId;
        }

        public void uploadPartBlocking(byte[] bytes, int length) {
            int number = parts.size() + 1;
            String etag = s3.uploadPart(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(number)
                    .contentLength((long) length), RequestBody.fromBytes(length == bytes.length ? bytes
                            : Arrays.copyOf(bytes, length))).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }

        public void completeBlocking() {
            s3.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        }

        public void abortBlocking() {
            try {
                s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException e) {
                LOG.warnf("Could not abort multipart upload of %s: %s", key, e.getMessage());
            }
        }
    }

    private static <T> Uni<T> onWorker(Supplier<T> call) {
        return Uni.createFrom().item(call).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(Duration.ofSeconds(60)).fail();
    }
}
