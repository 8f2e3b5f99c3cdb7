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
 * An SSE subscription of the monitor read in the background, as a dashboard holds one: every {@code data:} line's
 * JSON is collected until {@link #close()}.
 */
final class LiveStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> items = new CopyOnWriteArrayList<>();
    private final List<String> ids = new CopyOnWriteArrayList<>();
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

    List<JsonNode> items() {
        return items;
    }

    /** The {@code id:} of every event so far. */
    List<String> ids() {
        return ids;
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3).trim());
                }
                if (line.startsWith("data:")) {
                    items.add(JSON.readTree(line.substring(5).trim()));
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
