package dev.forge.worker.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.worker.service.WebappRunner;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The runner's reverse proxy: {@code /apps/{slug}/…} serves a static app's files or passes the request to a command
 * app's local port (the prefix stripped, announced in {@code X-Forwarded-Prefix}). 404 for an app not served here,
 * 502 when the app does not answer.
 */
@ApplicationScoped
public class AppProxy {

    /** Hop-by-hop headers (RFC 9110 section 7.6.1) are not forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate");

    private final WebappRunner runner;
    private final HttpClient client;

    public AppProxy(WebappRunner runner, Vertx vertx) {
        this.runner = runner;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(32));
    }

    void routes(@Observes Router router) {
        // "/apps/docs" → "/apps/docs/", so the app's relative links resolve under its prefix
        router.routeWithRegex("^/apps/[^/]+$").handler(rc -> rc.redirect(rc.request().path() + "/"));
        router.route("/apps/:slug/*").handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        String slug = rc.pathParam("slug");
        var route = runner.route(slug);
        if (route.isEmpty()) {
            rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("no webapp '" + slug + "' is served here\n");
            return;
        }
        String prefix = "/apps/" + slug;
        String rest = rc.request().path().substring(prefix.length());
        if (route.get().staticRoot() != null) {
            serveFile(rc, route.get().staticRoot(), rest);
        } else {
            forward(rc, route.get().port(), prefix, rest);
        }
    }

    private static void serveFile(RoutingContext rc, Path root, String rest) {
        String relative = URLDecoder.decode(rest, StandardCharsets.UTF_8)
                .replaceFirst("^/+", "");
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root)) {
            rc.response().setStatusCode(404).end();
            return;
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("not found\n");
            return;
        }
        // sendFile sets Content-Type from the file name and streams without reading it into memory
        rc.response().putHeader("Cache-Control", "no-cache").sendFile(file.toString());
    }

    private void forward(RoutingContext rc, int port, String prefix, String rest) {
        HttpServerRequest in = rc.request();
        in.pause();
        String uri = (rest.isEmpty() ? "/" : rest) + (in.query() == null ? "" : "?" + in.query());
        var options = new RequestOptions().setMethod(in.method()).setHost("127.0.0.1").setPort(port).setURI(uri);
        in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))
                    && !h.getKey().equalsIgnoreCase("host")) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        options.putHeader("X-Forwarded-Prefix", prefix);
        options.putHeader("X-Forwarded-Host", in.authority() == null ? "" : in.authority().toString());
        client.request(options).compose(out -> out.send(in)).onComplete(result -> {
            if (result.failed()) {
                if (!rc.response().headWritten()) {
                    rc.response().setStatusCode(502).putHeader("Content-Type", "text/plain; charset=utf-8")
                            .end("webapp did not answer: " + result.cause().getMessage() + "\n");
                }
                return;
            }
            var answer = result.result();
            var response = rc.response().setStatusCode(answer.statusCode());
            answer.headers().forEach(h -> {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    response.headers().add(h.getKey(), h.getValue());
                }
            });
            if (!response.headers().contains("Content-Length")) {
                // the app chunked its answer or closed the connection to end it: chunk it on our side
                response.setChunked(true);
            }
            answer.pipeTo(response);
        });
    }
}
