package dev.forge.discovery.client;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.discovery.config.ConsulConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * The part of Consul's HTTP API Forge uses: agent service registration, health per service and KV, with blocking
 * queries (index + wait, answered with X-Consul-Index). Non-blocking, on Vert.x.
 */
@ApplicationScoped
public class ConsulClient {

    private final ConsulConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public ConsulClient(ConsulConfig config, ObjectMapper json, Vertx vertx) {
        this.config = config;
        this.json = json;
        // a blocking query holds its connection for up to watchWait (plus Consul's jitter of wait/16)
        long idleSeconds = config.watchWait().toSeconds() * 2 + 30;
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(config.host())
                .setDefaultPort(config.port()).setIdleTimeout((int) idleSeconds).setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    /** One service instance of the health endpoint, with the worst status of its checks. */
    public record ServiceEntry(String id, String name, String address, int port, List<String> tags,
            Map<String, String> meta, boolean passing) {
    }

    /** A blocking query's answer: the index to pass back, and the data. */
    public record Indexed<T>(long index, T value) {
    }

    /** The agent answered with an error status, or could not be reached. */
    public static final class ConsulException extends RuntimeException {
        private final int status;

        public ConsulException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** PUT /v1/agent/service/register: registering an existing id replaces its definition. */
    public Uni<Void> register(ObjectNode definition) {
        return call(HttpMethod.PUT, "/v1/agent/service/register", definition.toString()).invoke(this::expectOk)
                .replaceWithVoid();
    }

    /** PUT /v1/agent/service/deregister/:id; answers false when the agent did not know it. */
    public Uni<Boolean> deregister(String serviceId) {
        return call(HttpMethod.PUT, "/v1/agent/service/deregister/" + encode(serviceId), null).map(this::known);
    }

    /** GET /v1/agent/service/:id: whether the local agent has this service registered. */
    public Uni<Boolean> isRegistered(String serviceId) {
        return call(HttpMethod.GET, "/v1/agent/service/" + encode(serviceId), null).map(this::known);
    }

    /** 404 means the agent does not know the service; any other error is one. */
    private boolean known(Reply reply) {
        if (reply.status() == 404) {
            return false;
        }
        expectOk(reply);
        return true;
    }

    /** GET /v1/health/service/:name, as a blocking query when {@code index} is positive. */
    public Uni<Indexed<List<ServiceEntry>>> health(String name, boolean passingOnly, long index) {
        String path = "/v1/health/service/" + encode(name) + "?" + (passingOnly ? "passing&" : "") + blocking(index);
        return call(HttpMethod.GET, path, null).map(reply -> {
            expectOk(reply);
            var entries = new ArrayList<ServiceEntry>();
            for (JsonNode e : parse(reply)) {
                var s = e.path("Service");
                String address = s.path("Address").asText("");
                if (address.isEmpty()) {
                    // Consul's rule: an empty service address means the node's address
                    address = e.path("Node").path("Address").asText("");
                }
                var tags = new ArrayList<String>();
                s.path("Tags").forEach(t -> tags.add(t.asText()));
                var meta = new LinkedHashMap<String, String>();
                s.path("Meta").fields().forEachRemaining(f -> meta.put(f.getKey(), f.getValue().asText()));
                boolean passing = true;
                for (JsonNode c : e.path("Checks")) {
                    passing &= "passing".equals(c.path("Status").asText());
                }
                entries.add(new ServiceEntry(s.path("ID").asText(), s.path("Service").asText(), address,
                        s.path("Port").asInt(), List.copyOf(tags), Map.copyOf(meta), passing));
            }
            return new Indexed<List<ServiceEntry>>(reply.index(), List.copyOf(entries));
        });
    }

    /** GET /v1/catalog/services: every service name in the catalog with the tags its instances carry. */
    public Uni<Map<String, List<String>>> services() {
        return call(HttpMethod.GET, "/v1/catalog/services", null).map(reply -> {
            expectOk(reply);
            var out = new TreeMap<String, List<String>>();
            parse(reply).fields().forEachRemaining(f -> {
                var tags = new ArrayList<String>();
                f.getValue().forEach(t -> tags.add(t.asText()));
                out.put(f.getKey(), List.copyOf(tags));
            });
            return Map.copyOf(out);
        });
    }

    /** GET /v1/kv/:prefix?recurse: keys (without the prefix) to values; an empty map when nothing is there. */
    public Uni<Indexed<Map<String, String>>> kvTree(String prefix, long index) {
        return call(HttpMethod.GET, "/v1/kv/" + encodePath(prefix) + "?recurse&" + blocking(index), null)
                .map(reply -> {
                    var values = new LinkedHashMap<String, String>();
                    if (reply.status() != 404) {
                        expectOk(reply);
                        for (JsonNode e : parse(reply)) {
                            String key = e.path("Key").asText();
                            if (key.length() <= prefix.length() || key.endsWith("/")) {
                                continue; // the prefix's own folder entry
                            }
                            String raw = e.path("Value").isNull() ? "" : e.path("Value").asText("");
                            values.put(key.substring(prefix.length()),
                                    new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8));
                        }
                    }
                    return new Indexed<Map<String, String>>(reply.index(), Map.copyOf(values));
                });
    }

    public Uni<Void> kvPut(String key, String value) {
        return call(HttpMethod.PUT, "/v1/kv/" + encodePath(key), value).invoke(this::expectOk).replaceWithVoid();
    }

    public Uni<Void> kvDelete(String key) {
        return call(HttpMethod.DELETE, "/v1/kv/" + encodePath(key), null).invoke(this::expectOk).replaceWithVoid();
    }

    private record Reply(int status, long index, Buffer body) {
    }

    private String blocking(long index) {
        if (index <= 0) {
            return "";
        }
        return "index=" + index + "&wait=" + Math.max(1, config.watchWait().toSeconds()) + "s";
    }

    private Uni<Reply> call(HttpMethod method, String path, String body) {
        // a blocking query answers within wait + wait/16 (Consul's jitter); anything else should be quick
        Duration timeout = path.contains("index=") ? config.watchWait().plus(config.watchWait().dividedBy(8))
                .plusSeconds(5) : Duration.ofSeconds(10);
        var options = new RequestOptions().setMethod(method).setURI(path).setTimeout(timeout.toMillis());
        config.token().ifPresent(token -> options.putHeader("X-Consul-Token", token));
        return http.request(options)
                .flatMap(request -> body == null ? request.send() : request.send(body))
                .flatMap(response -> response.body().map(buffer -> new Reply(response.statusCode(),
                        parseIndex(response.getHeader("X-Consul-Index")), buffer)))
                .onFailure(e -> !(e instanceof ConsulException))
                .transform(e -> new ConsulException(0, "Consul agent at " + config.host() + ":" + config.port()
                        + " unreachable: " + e.getMessage()));
    }

    private void expectOk(Reply reply) {
        if (reply.status() < 200 || reply.status() >= 300) {
            String text = reply.body().toString();
            throw new ConsulException(reply.status(), "Consul answered " + reply.status()
                    + (text.isBlank() ? "" : ": " + text.strip()));
        }
    }

    private JsonNode parse(Reply reply) {
        try {
            return json.readTree(reply.body().getBytes());
        } catch (IOException e) {
            throw new ConsulException(reply.status(), "unreadable Consul answer: " + e.getMessage());
        }
    }

    private static long parseIndex(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseLong(header);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Encodes each path segment of a KV key, keeping the slashes. */
    private static String encodePath(String key) {
        var out = new StringBuilder();
        for (String part : key.split("/", -1)) {
            if (out.length() > 0 || key.startsWith("/")) {
                out.append('/');
            }
            out.append(encode(part));
        }
        return out.toString();
    }

    /** For callers that want to show where the agent is. */
    public String agent() {
        return config.host() + ":" + config.port();
    }

}
