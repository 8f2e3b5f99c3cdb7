package dev.forge.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An SSE subscription of the monitor read in the background, as a dashboard holds one: every event (its {@code id:}
 * and its {@code data:} JSON) is collected until {@link #close()}. An event is recorded whole when its blank line
 * arrives, as an EventSource dispatches it, so a reader never sees an id without its data.
 */
final class LiveStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One dispatched event; {@code id} is null when the server sent none. */
    record Event(String id, JsonNode data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final int status;
    private final InputStream body;
    private final Thread reader;

    private LiveStream(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.body = response.body();
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static LiveStream open(String path, String key) throws IOException, InterruptedException {
        return open(path, key, null);
    }

    /** Resumes after {@code lastEventId} (sent as Last-Event-ID), as a reconnecting EventSource does. */
    static LiveStream open(String path, String key, String lastEventId) throws IOException, InterruptedException {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new LiveStream(HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status() {
        return status;
    }

    /** Every event so far, each with its id and data together. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** The data of every event so far. */
    List<JsonNode> items() {
        return events().stream().map(Event::data).toList();
    }

    /** The {@code id:} of every event so far that carried one. */
    List<String> ids() {
        return events().stream().map(Event::id).filter(id -> id != null).toList();
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            String id = null;
            StringBuilder data = null;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, JSON.readTree(data.toString())));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
