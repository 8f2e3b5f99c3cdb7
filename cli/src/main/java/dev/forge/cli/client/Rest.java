package dev.forge.cli.client;

import java.io.FileNotFoundException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;

/**
 * A Forge REST API (infra-monitor's, or the gateway's for uploads) with the caller's key: JSON in and out, problem+json
 * answers turned into one-line {@link CliException}s, and server-sent event streams read line by line.
 */
public final class Rest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String base;
    private final String key;
    private final HttpClient http;

    public Rest(String name, String base, String key) {
        this.name = name;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.key = key;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A path with its query parameters encoded; null values are left out. */
    public static String path(String path, Map<String, ?> query) {
        var present = new LinkedHashMap<String, Object>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    public JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** The file's bytes as the body, streamed from disk. */
    public JsonNode upload(String path, Path file, String contentType) {
        try {
            return send(request(path).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build());
        } catch (FileNotFoundException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file);
        }
    }

    /**
     * Reads a server-sent event stream until it ends or {@code onEvent} throws; each event's id (or null) and data.
     * Comments and keep-alives are skipped.
     */
    public void events(String path, String lastEventId, EventHandler onEvent) {
        var builder = request(path).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        var response = exchange(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 300) {
            try (var body = response.body()) {
                throw problem(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            var data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        onEvent.accept(id, data.toString());
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** What is done with each server-sent event. */
    @FunctionalInterface
    public interface EventHandler {
        void accept(String id, String data);
    }

    public static JsonNode parse(String data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the server sent an event that is not JSON: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        try {
            return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                    .header("Accept", "application/json");
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "the " + name + " URL '" + base + "' is not a valid URL");
        }
    }

    private JsonNode send(HttpRequest request) {
        var response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw problem(response.statusCode(), response.body());
        }
        return response.body().isBlank() ? JSON.nullNode() : parse(response.body());
    }

    /** One request and its answer; no answer at all is exit 5. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    private CliException unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpTimeoutException ? "no answer in time" : String.valueOf(e.getMessage());
        return new CliException(ExitCodes.UNAVAILABLE, "cannot reach " + name + " at " + base + ": " + why, e);
    }

    /** A problem+json answer as one line: its title and detail. */
    CliException problem(int status, String body) {
        String title = null;
        String detail = null;
        try {
            var json = JSON.readTree(body);
            title = json.path("title").asText(null);
            detail = json.path("detail").asText(null);
        } catch (IOException e) {
            // not JSON: the status says enough
        }
        String text = title == null ? "HTTP " + status : title;
        if (detail != null && !detail.equals(title)) {
            text += ": " + detail;
        }
        int code = switch (status) {
            case 401, 403 -> ExitCodes.AUTH;
            case 404 -> ExitCodes.NOT_FOUND;
            case 502, 503, 504 -> ExitCodes.UNAVAILABLE;
            default -> ExitCodes.FAILED;
        };
        return new CliException(code, name + ": " + text);
    }
}
