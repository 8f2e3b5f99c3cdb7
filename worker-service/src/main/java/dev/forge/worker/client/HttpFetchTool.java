package dev.forge.worker.client;

import static dev.forge.core.tool.JsonSchemas.object;
import static dev.forge.core.tool.JsonSchemas.properties;
import static dev.forge.core.tool.JsonSchemas.property;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.tool.BuiltinTools;
import dev.forge.core.tool.Tool;
import dev.forge.core.tool.ToolException;
import dev.forge.core.tool.ToolSpec;
import dev.forge.worker.config.ToolsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * {@code http_fetch}: GETs a URL on an allowlisted host ({@code forge.tools.http-allow}) and answers its status,
 * content type and body as text (at most {@code http-max-bytes}). Redirects are reported, not followed, so a redirect
 * cannot lead off the allowlist.
 */
@ApplicationScoped
public class HttpFetchTool implements Tool {

    private static final ToolSpec SPEC = new ToolSpec(BuiltinTools.HTTP_FETCH, "Fetches a web page or API "
            + "response with GET from an allowed host and returns its status, content type and text.",
            object(properties().set("url", property("string", "An http or https URL").put("maxLength", 2048)),
                    "url"),
            false);

    private final ToolsConfig config;
    private final HttpClient http;
    private final List<String> allow;

    public HttpFetchTool(ToolsConfig config, Vertx vertx) {
        this.config = config;
        this.allow = config.httpAllow().orElse(List.of()).stream().map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).toList();
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxRedirects(0)
                .setConnectTimeout((int) config.httpTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    @Override
    public ToolSpec spec() {
        return SPEC;
    }

    @Override
    public Uni<JsonNode> call(JsonNode arguments) {
        String url = arguments.get("url").asText();
        URI uri = checked(url);
        var options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri.toString())
                .setFollowRedirects(false).setTimeout(config.httpTimeout().toMillis())
                .putHeader("User-Agent", "forge-http-fetch").putHeader("Accept", "*/*");
        int max = config.httpMaxBytes();
        return http.request(options).flatMap(request -> request.send()).flatMap(response -> {
            var body = Buffer.buffer();
            // read one byte past the limit at most: more than max means the body was cut
            return response.toMulti().select().first(chunk -> body.length() <= max)
                    .onItem().invoke(body::appendBuffer)
                    .collect().last().map(x -> {
                        ObjectNode out = JsonNodeFactory.instance.objectNode();
                        out.put("url", url);
                        out.put("status", response.statusCode());
                        out.put("content_type", response.getHeader("Content-Type"));
                        if (response.getHeader("Location") != null) {
                            out.put("location", response.getHeader("Location"));
                        }
                        out.put("body", new String(body.getBytes(0, Math.min(body.length(), max)),
                                StandardCharsets.UTF_8));
                        out.put("truncated", body.length() > max);
                        return (JsonNode) out;
                    });
        }).onFailure(e -> !(e instanceof ToolException)).transform(e -> new ToolException(ToolException.Kind.FAILED,
                "GET " + url + " failed: " + e.getMessage()));
    }

    /** The URL, if it is http(s) to an allowlisted host; a refusal naming the setting otherwise. */
    private URI checked(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "'" + url + "' is not a URL: "
                    + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "'" + url + "' is not an http or https URL");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (allow.stream().noneMatch(pattern -> allowed(pattern, host, port))) {
            throw new ToolException(ToolException.Kind.REFUSED, "host '" + host + "' is not on the http_fetch "
                    + "allowlist (forge.tools.http-allow" + (allow.isEmpty() ? " is empty" : ": " + allow) + ")");
        }
        return uri;
    }

    static boolean allowed(String pattern, String host, int port) {
        String hostPattern = pattern;
        int colon = pattern.lastIndexOf(':');
        if (colon > 0 && pattern.indexOf(']') < colon) {
            hostPattern = pattern.substring(0, colon);
            if (!pattern.substring(colon + 1).equals(Integer.toString(port))) {
                return false;
            }
        }
        if (hostPattern.startsWith("*.")) {
            return host.endsWith(hostPattern.substring(1)) && host.length() > hostPattern.length() - 1;
        }
        return host.equals(hostPattern);
    }
}
