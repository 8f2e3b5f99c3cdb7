package dev.forge.gateway;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.ConfigProvider;

/** A small SSE client speaking the wire format: reads events until a condition, then drops the connection. */
public final class SseClient {

    /** One received event. */
    public record Event(String id, String name, String data) {
    }

    /** What a connection received, and its HTTP status and headers. */
    public record Received(int status, List<Event> events, HttpResponse<InputStream> response, String errorBody) {
        public List<String> ids() {
            return events.stream().map(Event::id).filter(id -> id != null).toList();
        }

        public List<String> names() {
            return events.stream().map(Event::name).toList();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static String base() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return "http://127.0.0.1:" + port;
    }

    public static Received get(String path, String key, String lastEventId, Predicate<Event> stopAfter) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return read(HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()), stopAfter);
    }

    public static Received post(String path, String key, String json, Predicate<Event> stopAfter) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return read(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()), stopAfter);
    }

    private static Received read(HttpResponse<InputStream> response, Predicate<Event> stopAfter) throws Exception {
        var events = new ArrayList<Event>();
        try (var body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                return new Received(response.statusCode(), events, response,
                        new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            String id = null;
            String name = "message";
            var data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || id != null) {
                        var event = new Event(id, name, data.toString());
                        events.add(event);
                        if (stopAfter.test(event)) {
                            break;
                        }
                    }
                    id = null;
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).trim());
                }
            }
        }
        return new Received(response.statusCode(), events, response, null);
    }
}
