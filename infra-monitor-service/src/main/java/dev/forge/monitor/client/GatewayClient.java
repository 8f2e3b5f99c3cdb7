package dev.forge.monitor.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.service.GatewayTarget;
import io.smallrye.mutiny.Uni;

/**
 * Calls a gateway's HTTP API with its bearer token (JDK client, asynchronous: no thread waits on the network). The
 * token goes into the header only; it is never part of an error message.
 */
@ApplicationScoped
public class GatewayClient {

    /** A gateway's answer and how long it took. */
    public record Answer(int status, String body, long latencyMillis) {
    }

    /** A gateway call that did not produce a usable answer. */
    public static class GatewayCallFailed extends RuntimeException {
        private final int status;

        public GatewayCallFailed(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, or 0 when the gateway could not be reached. */
        public int status() {
            return status;
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    public GatewayClient(MonitorConfig config) {
        this.timeout = config.requestTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** GET {@code path}; with {@code authenticated} the gateway's token is sent. Fails only when unreachable. */
    public Uni<Answer> get(GatewayTarget gateway, String path, boolean authenticated) {
        return send(gateway, HttpRequest.newBuilder(URI.create(gateway.url() + path)).GET(), authenticated);
    }

    /** POST without a body, authenticated (actions such as an MCP server's connection test). */
    public Uni<Answer> post(GatewayTarget gateway, String path) {
        return send(gateway, HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .POST(HttpRequest.BodyPublishers.noBody()), true);
    }

    private Uni<Answer> send(GatewayTarget gateway, HttpRequest.Builder request, boolean authenticated) {
        request.timeout(timeout).header("Accept", "application/json");
        if (authenticated) {
            gateway.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        }
        long started = System.nanoTime();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString()))
                .map(r -> new Answer(r.statusCode(), r.body(), (System.nanoTime() - started) / 1_000_000))
                .onFailure().transform(e -> new GatewayCallFailed(0, "unreachable: " + describe(e)));
    }

    /** A forwarded call's answer, passed on as it came. */
    public record Forwarded(int status, String contentType, String nextCursor, byte[] body) {
    }

    /**
     * Forwards a dashboard call to the gateway with the caller's own {@code Authorization} header (not the gateway's
     * token), so the gateway applies the caller's role and workspace.
     */
    public Uni<Forwarded> forward(GatewayTarget gateway, String method, String pathAndQuery, byte[] body,
            String contentType, String authorization) {
        var request = HttpRequest.newBuilder(URI.create(gateway.url() + pathAndQuery)).timeout(timeout)
                // JSON where the gateway has it; a flow's source is YAML only
                .header("Accept", "application/json, */*;q=0.5")
                .method(method, body == null || body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && body != null && body.length > 0) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofByteArray()))
                .map(r -> new Forwarded(r.statusCode(), r.headers().firstValue("Content-Type")
                        .orElse("application/json"), r.headers().firstValue("Forge-Next-Cursor").orElse(null),
                        r.body()))
                .onFailure().transform(e -> new GatewayCallFailed(0, "unreachable: " + describe(e)));
    }

    /** GET an authenticated JSON resource; anything but 200 with JSON fails with {@link GatewayCallFailed}. */
    public Uni<JsonNode> json(GatewayTarget gateway, String path) {
        return get(gateway, path, true).map(answer -> {
            if (answer.status() != 200) {
                throw new GatewayCallFailed(answer.status(), "GET " + path + " answered " + answer.status());
            }
            try {
                return JsonValues.MAPPER.readTree(answer.body());
            } catch (JsonProcessingException e) {
                throw new GatewayCallFailed(answer.status(), "GET " + path + " answered with invalid JSON");
            }
        });
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName()
                + (root.getMessage() == null || root.getMessage().isBlank() ? "" : " (" + root.getMessage() + ")");
    }
}
