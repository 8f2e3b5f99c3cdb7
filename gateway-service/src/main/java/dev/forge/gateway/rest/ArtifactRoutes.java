package dev.forge.gateway.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.api.openapi.DocumentedRoutes;
import dev.forge.api.openapi.RouteDoc;
import dev.forge.api.rest.RouteProblems;
import dev.forge.api.security.Authenticator;
import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.artifact.BlobStore;
import dev.forge.core.auth.Role;
import dev.forge.core.config.ArtifactsConfig;
import dev.forge.gateway.service.ArtifactService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Artifact bytes, streamed both ways as Vert.x routes so neither direction holds a whole file in memory:
 * <ul>
 * <li>{@code POST /v1/artifacts?name=report.pdf} — the raw body is the file, its Content-Type the artifact's content
 * type. The body goes to S3 part by part (multipart upload) while its SHA-256 is computed; past the configured size
 * limit the upload is refused with 413 and nothing is kept.</li>
 * <li>{@code GET /v1/artifacts/{id}/content} — the bytes, with Content-Type, Content-Length and the SHA-256 as ETag.</li>
 * </ul>
 * S3 calls are blocking (the SDK's synchronous client) and run on worker threads; the event loop only moves buffers.
 */
@ApplicationScoped
public class ArtifactRoutes implements DocumentedRoutes {

    static final RouteDoc UPLOAD = new RouteDoc("POST", "/v1/artifacts",
            Set.of(Role.ADMIN, Role.OPERATOR, Role.DEVELOPER), "artifacts", "uploadArtifact",
            "Upload a file: the raw body is the file, its Content-Type the artifact's", "application/octet-stream",
            null, 201, "application/json", "Artifact",
            List.of(new RouteDoc.Param("name", "query", "The file name, 1-255 printable characters (required)")));
    static final RouteDoc DOWNLOAD = new RouteDoc("GET", "/v1/artifacts/{id}/content",
            Set.of(Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER), "artifacts", "downloadArtifact",
            "An artifact's bytes, with its Content-Type and its SHA-256 as ETag", null, null, 200,
            "application/octet-stream", null, List.of());

    private static final Logger LOG = Logger.getLogger(ArtifactRoutes.class);
    private static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,63}/[A-Za-z0-9!#$&^_.+-]{1,63}");
    private static final int DOWNLOAD_CHUNK = 64 * 1024;

    private final Authenticator authenticator;
    private final ArtifactService artifacts;
    private final BlobStore blobs;
    private final ArtifactsConfig config;

    public ArtifactRoutes(Authenticator authenticator, ArtifactService artifacts, BlobStore blobs,
            ArtifactsConfig config) {
        this.authenticator = authenticator;
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.config = config;
    }

    @Override
    public List<RouteDoc> documentedRoutes() {
        return List.of(UPLOAD, DOWNLOAD);
    }

    void install(@Observes Router router) {
        // before the HTTP server's body-size check (order -2): uploads enforce their own, larger limit
        router.post("/v1/artifacts").order(-50).handler(this::upload);
        router.get("/v1/artifacts/:id/content").order(-50).handler(this::download);
    }

    /** Whether the gateway's JSON body limit leaves this request alone (it is an upload with its own limit). */
    static boolean isUpload(HttpServerRequest request) {
        return request.method().name().equals("POST") && request.path().equals("/v1/artifacts");
    }

    void upload(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // nothing may be read before the caller is known
        request.pause();
        authenticator.require(request.getHeader("Authorization"), "POST " + request.path(), UPLOAD.admitted())
                .subscribe().with(caller -> {
                    try {
                        new Upload(rc, caller, uploadRequest(request)).start();
                    } catch (ApiProblem p) {
                        refuse(rc, p);
                    }
                }, failure -> refuse(rc, failure));
    }

    /** What an upload request declares, checked before any byte is read. */
    private record UploadRequest(String name, String contentType, long declaredLength) {
    }

    private UploadRequest uploadRequest(HttpServerRequest request) {
        String name = request.getParam("name");
        if (name == null || name.isBlank() || name.length() > 255 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiProblem.invalid("query parameter 'name' is required: the file name, 1-255 printable characters");
        }
        String type = request.getHeader("Content-Type");
        String contentType = type == null || type.isBlank() ? "application/octet-stream" : type.trim();
        String bare = contentType.split(";", 2)[0].trim();
        if (!CONTENT_TYPE.matcher(bare).matches() || contentType.length() > 255) {
            throw ApiProblem.invalid("Content-Type '" + contentType + "' is not a media type");
        }
        long declared = -1;
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw ApiProblem.invalid("Content-Length is not a number");
            }
        }
        if (declared > config.maxUploadBytes()) {
            throw tooLarge(declared);
        }
        return new UploadRequest(name, contentType, declared);
    }

    private ApiProblem tooLarge(long size) {
        return new ApiProblem(413, "payload-too-large", "Payload too large", "the upload" + (size >= 0 ? " of "
                + size + " bytes" : "") + " exceeds the artifact size limit of " + config.maxUploadBytes()
                + " bytes", null);
    }

    /**
     * One upload in flight. Chunks accumulate on the event loop; a full part pauses the request while a worker thread
     * sends it to S3, then reading resumes. A body that fits in one part is sent with a single PUT.
     */
    private final class Upload {
        private final RoutingContext rc;
        private final Caller caller;
        private final UploadRequest declared;
        private final UUID id = UUID.randomUUID();
        private final MessageDigest sha256;
        private ByteArrayOutputStream part = new ByteArrayOutputStream();
        private BlobStore.MultipartUpload multipart;
        private long received;
        private boolean sending;
        private boolean ended;
        private boolean failed;

        Upload(RoutingContext rc, Caller caller, UploadRequest declared) {
            this.rc = rc;
            this.caller = caller;
            this.declared = declared;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is always available", e);
            }
        }

        void start() {
            HttpServerRequest request = rc.request();
            request.handler(this::chunk);
            request.endHandler(v -> {
                ended = true;
                if (!sending) {
                    finish();
                }
            });
            request.exceptionHandler(e -> abandon("the upload connection failed: " + e.getMessage()));
            rc.response().closeHandler(v -> {
                if (!ended) {
                    abandon("the client went away during the upload");
                }
            });
            request.resume();
        }

        private void chunk(Buffer buffer) {
            if (failed) {
                return;
            }
            received += buffer.length();
            if (received > config.maxUploadBytes()) {
                failed = true;
                abortMultipart();
                // the rest of the body is not read: answer and close the connection
                rc.response().putHeader("Connection", "close");
                refuse(rc, tooLarge(declared.declaredLength()));
                return;
            }
            byte[] bytes = buffer.getBytes();
            sha256.update(bytes);
            part.writeBytes(bytes);
            if (part.size() >= config.partSizeBytes() && !sending) {
                sendPart();
            }
        }

        private void sendPart() {
            sending = true;
            rc.request().pause();
            byte[] bytes = part.toByteArray();
            part = new ByteArrayOutputStream();
            rc.vertx().<Void>executeBlocking(() -> {
                if (multipart == null) {
                    multipart = blobs.startMultipartBlocking(ArtifactService.storageKey(id), declared.contentType());
                }
                multipart.uploadPartBlocking(bytes, bytes.length);
                return null;
            }, false).onComplete(done -> {
                sending = false;
                if (done.failed()) {
                    fail(done.cause());
                    return;
                }
                if (ended) {
                    finish();
                } else if (!failed) {
                    rc.request().resume();
                }
            });
        }

        private void finish() {
            if (failed) {
                return;
            }
            byte[] last = part.toByteArray();
            part = null;
            String sha = HexFormat.of().formatHex(sha256.digest());
            String key = ArtifactService.storageKey(id);
            rc.vertx().<Void>executeBlocking(() -> {
                if (multipart == null) {
                    blobs.putBlocking(key, last, declared.contentType());
                } else {
                    if (last.length > 0) {
                        multipart.uploadPartBlocking(last, last.length);
                    }
                    multipart.completeBlocking();
                }
                return null;
            }, false).onComplete(stored -> {
                if (stored.failed()) {
                    fail(stored.cause());
                    return;
                }
                artifacts.record(id, caller.workspace(), declared.name(), declared.contentType(), received, sha,
                        caller.keyId())
                        .subscribe().with(artifact -> rc.response().setStatusCode(201)
                                .putHeader("Content-Type", "application/json")
                                .putHeader("Location", "/v1/artifacts/" + id)
                                .end(artifact.view().toString()), failure -> {
                                    // the bytes have no row: remove them
                                    blobs.delete(key).subscribe().with(x -> { }, e -> { });
                                    refuse(rc, failure);
                                });
            });
        }

        private void fail(Throwable cause) {
            failed = true;
            LOG.warnf("Upload of artifact %s failed: %s", id, cause.getMessage());
            abortMultipart();
            refuse(rc, new ApiProblem(503, "storage-unavailable", "Storage unavailable",
                    "the artifact store could not take the upload; try again later", null));
        }

        private void abandon(String reason) {
            if (!failed) {
                failed = true;
                LOG.debugf("Upload of artifact %s abandoned: %s", id, reason);
                abortMultipart();
            }
        }

        private void abortMultipart() {
            var started = multipart;
            if (started != null) {
                rc.vertx().executeBlocking(() -> {
                    started.abortBlocking();
                    return null;
                }, false);
            }
        }
    }

    void download(RoutingContext rc) {
        String id = rc.pathParam("id");
        authenticator.require(rc.request().getHeader("Authorization"), "GET " + rc.request().path(),
                DOWNLOAD.admitted())
                .flatMap(caller -> artifacts.get(caller.workspace(), id))
                .subscribe().with(artifact -> rc.vertx().<InputStream>executeBlocking(
                        () -> blobs.openBlocking(artifact.storageKey()), false)
                        .onComplete(opened -> {
                            if (opened.failed() || opened.result() == null) {
                                if (opened.failed()) {
                                    LOG.warnf("Artifact %s could not be read: %s", id, opened.cause().getMessage());
                                }
                                refuse(rc, new ApiProblem(503, "storage-unavailable", "Storage unavailable",
                                        "the artifact's bytes could not be read; try again later", null));
                                return;
                            }
                            HttpServerResponse response = rc.response().setStatusCode(200)
                                    .putHeader("Content-Type", artifact.contentType())
                                    .putHeader("Content-Length", Long.toString(artifact.sizeBytes()))
                                    .putHeader("ETag", "\"" + artifact.sha256() + "\"")
                                    .putHeader("Content-Disposition", "attachment; filename*=UTF-8''"
                                            + URLEncoder.encode(artifact.name(), StandardCharsets.UTF_8)
                                                    .replace("+", "%20"));
                            pump(rc, opened.result(), response);
                        }), failure -> refuse(rc, failure));
    }

    /** Copies the object to the response a chunk at a time, reading on a worker and waiting for the socket to drain. */
    private void pump(RoutingContext rc, InputStream in, HttpServerResponse response) {
        rc.vertx().<byte[]>executeBlocking(() -> in.readNBytes(DOWNLOAD_CHUNK), true).onComplete(read -> {
            if (read.failed() || response.closed()) {
                close(in);
                if (read.failed()) {
                    LOG.warnf("Artifact download broke off: %s", read.cause().getMessage());
                    response.reset();
                }
                return;
            }
            byte[] bytes = read.result();
            if (bytes.length == 0) {
                close(in);
                response.end();
                return;
            }
            response.write(Buffer.buffer(bytes));
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump(rc, in, response));
            } else {
                pump(rc, in, response);
            }
        });
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debugf("closing an S3 stream: %s", e.getMessage());
        }
    }

    private static void refuse(RoutingContext rc, Throwable failure) {
        RouteProblems.send(rc, failure);
    }
}
