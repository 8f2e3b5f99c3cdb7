package dev.forge.discovery.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Consul agent stand-in for tests, since no Consul binary exists for these machines. It speaks Consul's HTTP API
 * wire format for what Forge and Stork call: agent service register / deregister / list, catalog services, health
 * per service (with {@code ?passing}), KV get / put / delete with {@code ?recurse}, and blocking queries
 * ({@code ?index=&wait=} answered with {@code X-Consul-Index}). Like an agent it runs the registered HTTP and TCP
 * checks on their interval (new checks start critical) and reaps services critical for longer than their
 * {@code DeregisterCriticalServiceAfter}. {@link #restart()} loses everything, as a {@code consul agent -dev} restart does.
 */
public final class ConsulStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODE = "forge-test-node";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** A registered service and its checks (check id to state). */
    private record Registration(ObjectNode service, Map<String, CheckState> checks) {
    }

    private static final class CheckState {
        final String id;
        final String name;
        final String http;
        final String tcp;
        final Duration interval;
        final Duration deregisterAfter;
        volatile String status;
        volatile String output = "";
        volatile long criticalSince = System.nanoTime();
        volatile long nextRun = 0;

        CheckState(String id, String name, String http, String tcp, Duration interval, Duration deregisterAfter) {
            this.id = id;
            this.name = name;
            this.http = http;
            this.tcp = tcp;
            this.interval = interval;
            this.deregisterAfter = deregisterAfter;
            this.status = "critical";
        }
    }

    private record KvEntry(String key, byte[] value, long flags, long createIndex, long modifyIndex) {
    }

    private final Map<String, Registration> services = new ConcurrentHashMap<>();
    private final TreeMap<String, KvEntry> kv = new TreeMap<>();
    private final Object changed = new Object();
    private final HttpClient checker = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<String> registerCalls = new CopyOnWriteArrayList<>();
    private final List<String> deregisterCalls = new CopyOnWriteArrayList<>();
    private long index = 1;
    private HttpServer server;
    private ScheduledExecutorService checks;

    private ConsulStandIn(int port) {
    }

    /** Starts on {@code port} (0 picks a free one). */
    public static ConsulStandIn start(int port) {
        var standIn = new ConsulStandIn(port);
        standIn.open(port);
        return standIn;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops and starts again on the same port with nothing registered, an empty KV store and its index starting over
     * (as a cluster rebuilt from nothing does): a watcher holding the old index must ask afresh.
     */
    public synchronized void restart() {
        int port = port();
        closeServer();
        services.clear();
        synchronized (changed) {
            kv.clear();
            index = 1;
            changed.notifyAll();
        }
        open(port);
    }

    /** Forgets every registration while staying up, as an agent whose state was wiped does. */
    public void forgetServices() {
        services.clear();
        bump();
    }

    public List<String> registerCalls() {
        return List.copyOf(registerCalls);
    }

    public List<String> deregisterCalls() {
        return List.copyOf(deregisterCalls);
    }

    /** The registered service's definition as the agent lists it, or null. */
    public JsonNode service(String id) {
        var r = services.get(id);
        return r == null ? null : r.service().deepCopy();
    }

    /** Ids of the services registered under {@code name}. */
    public List<String> instancesOf(String name) {
        return services.values().stream().filter(r -> name.equals(r.service().path("Service").asText()))
                .map(r -> r.service().path("ID").asText()).toList();
    }

    /** Status of every check of a service, by check id. */
    public Map<String, String> checkStatuses(String serviceId) {
        var r = services.get(serviceId);
        var out = new LinkedHashMap<String, String>();
        if (r != null) {
            r.checks().forEach((id, c) -> out.put(id, c.status));
        }
        return out;
    }

    public void putKey(String key, String value) {
        synchronized (changed) {
            var old = kv.get(key);
            long next = ++index;
            kv.put(key, new KvEntry(key, value.getBytes(StandardCharsets.UTF_8), 0,
                    old == null ? next : old.createIndex(), next));
            changed.notifyAll();
        }
    }

    public void deleteKey(String key) {
        synchronized (changed) {
            kv.remove(key);
            index++;
            changed.notifyAll();
        }
    }

    @Override
    public void close() {
        closeServer();
    }

    private void open(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            var t = new Thread(r, "consul-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        checks = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "consul-stand-in-checks");
            t.setDaemon(true);
            return t;
        });
        checks.scheduleWithFixedDelay(this::runChecks, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void closeServer() {
        if (checks != null) {
            checks.shutdownNow();
        }
        if (server != null) {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private void bump() {
        synchronized (changed) {
            index++;
            changed.notifyAll();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/agent/service/register") && method.equals("PUT")) {
                register((ObjectNode) JSON.readTree(exchange.getRequestBody()));
                send(exchange, 200, "");
            } else if (path.startsWith("/v1/agent/service/deregister/") && method.equals("PUT")) {
                String id = decode(path.substring("/v1/agent/service/deregister/".length()));
                deregisterCalls.add(id);
                if (services.remove(id) == null) {
                    send(exchange, 404, "Unknown service ID \"" + id + "\"");
                } else {
                    bump();
                    send(exchange, 200, "");
                }
            } else if (path.equals("/v1/agent/services") && method.equals("GET")) {
                var out = JSON.createObjectNode();
                services.forEach((id, r) -> out.set(id, r.service()));
                sendJson(exchange, out);
            } else if (path.startsWith("/v1/agent/service/") && method.equals("GET")) {
                var r = services.get(decode(path.substring("/v1/agent/service/".length())));
                if (r == null) {
                    send(exchange, 404, "unknown service ID");
                } else {
                    sendJson(exchange, r.service());
                }
            } else if (path.equals("/v1/catalog/services") && method.equals("GET")) {
                awaitChange(query);
                var out = JSON.createObjectNode();
                services.values().forEach(r -> {
                    var tags = out.has(r.service().path("Service").asText())
                            ? (ArrayNode) out.get(r.service().path("Service").asText())
                            : out.putArray(r.service().path("Service").asText());
                    r.service().path("Tags").forEach(t -> {
                        if (!contains(tags, t.asText())) {
                            tags.add(t.asText());
                        }
                    });
                });
                sendJson(exchange, out);
            } else if (path.startsWith("/v1/catalog/service/") && method.equals("GET")) {
                awaitChange(query);
                sendJson(exchange, catalog(decode(path.substring("/v1/catalog/service/".length()))));
            } else if (path.startsWith("/v1/health/service/") && method.equals("GET")) {
                awaitChange(query);
                boolean passing = query.containsKey("passing") && !"false".equals(query.get("passing"))
                        && !"0".equals(query.get("passing"));
                sendJson(exchange, health(decode(path.substring("/v1/health/service/".length())), passing));
            } else if (path.startsWith("/v1/kv/")) {
                kv(exchange, decode(path.substring("/v1/kv/".length())), query, method);
            } else if (path.equals("/v1/status/leader")) {
                sendJson(exchange, JSON.getNodeFactory().textNode("127.0.0.1:8300"));
            } else {
                send(exchange, 404, "not implemented by the stand-in: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            send(exchange, 400, String.valueOf(e.getMessage()));
        }
    }

    private void register(ObjectNode body) {
        String name = body.path("Name").asText();
        if (name.isBlank()) {
            throw new IllegalArgumentException("Missing service name");
        }
        String id = body.path("ID").asText(name);
        registerCalls.add(id);
        var service = JSON.createObjectNode();
        service.put("ID", id);
        service.put("Service", name);
        service.set("Tags", body.has("Tags") && body.get("Tags").isArray() ? body.get("Tags") : JSON.createArrayNode());
        service.set("Meta", body.has("Meta") && body.get("Meta").isObject() ? body.get("Meta") : JSON.createObjectNode());
        service.put("Port", body.path("Port").asInt(0));
        service.put("Address", body.path("Address").asText(""));
        var weights = service.putObject("Weights");
        weights.put("Passing", 1);
        weights.put("Warning", 1);
        service.put("EnableTagOverride", false);
        service.put("Datacenter", "dc1");
        var checkDefs = new ArrayList<JsonNode>();
        if (body.hasNonNull("Check")) {
            checkDefs.add(body.get("Check"));
        }
        body.path("Checks").forEach(checkDefs::add);
        var states = new LinkedHashMap<String, CheckState>();
        int n = 0;
        for (var def : checkDefs) {
            n++;
            String checkId = def.path("CheckID").asText(def.path("ID").asText("service:" + id + (checkDefs.size() > 1
                    ? ":" + n : "")));
            String http = def.path("HTTP").asText(null);
            String tcp = def.path("TCP").asText(null);
            if (http == null && tcp == null) {
                throw new IllegalArgumentException("check " + checkId + " has neither HTTP nor TCP");
            }
            states.put(checkId, new CheckState(checkId, def.path("Name").asText("Service '" + name + "' check"), http,
                    tcp, duration(def.path("Interval").asText("10s")),
                    def.hasNonNull("DeregisterCriticalServiceAfter")
                            ? duration(def.get("DeregisterCriticalServiceAfter").asText()) : null));
        }
        // re-registering the same id replaces the definition, as the agent does
        services.put(id, new Registration(service, states));
        bump();
    }

    private ArrayNode catalog(String name) {
        var out = JSON.createArrayNode();
        services.values().stream().filter(r -> name.equals(r.service().path("Service").asText())).forEach(r -> {
            var s = r.service();
            var e = out.addObject();
            e.put("ID", "00000000-0000-0000-0000-000000000001");
            e.put("Node", NODE);
            e.put("Address", "127.0.0.1");
            e.put("Datacenter", "dc1");
            e.putObject("TaggedAddresses");
            e.putObject("NodeMeta");
            e.put("ServiceID", s.path("ID").asText());
            e.put("ServiceName", name);
            e.put("ServiceAddress", s.path("Address").asText());
            e.put("ServicePort", s.path("Port").asInt());
            e.set("ServiceTags", s.path("Tags"));
            e.set("ServiceMeta", s.path("Meta"));
            e.put("ServiceEnableTagOverride", false);
            e.put("CreateIndex", 1);
            e.put("ModifyIndex", 1);
        });
        return out;
    }

    private ArrayNode health(String name, boolean passingOnly) {
        var out = JSON.createArrayNode();
        services.values().stream().filter(r -> name.equals(r.service().path("Service").asText())).forEach(r -> {
            boolean allPassing = r.checks().values().stream().allMatch(c -> c.status.equals("passing"));
            if (passingOnly && !allPassing) {
                return;
            }
            var e = out.addObject();
            var node = e.putObject("Node");
            node.put("ID", "00000000-0000-0000-0000-000000000001");
            node.put("Node", NODE);
            node.put("Address", "127.0.0.1");
            node.put("Datacenter", "dc1");
            node.putObject("TaggedAddresses");
            node.putObject("Meta");
            e.set("Service", r.service());
            var checks = e.putArray("Checks");
            var serf = checks.addObject();
            serf.put("Node", NODE);
            serf.put("CheckID", "serfHealth");
            serf.put("Name", "Serf Health Status");
            serf.put("Status", "passing");
            serf.put("Notes", "");
            serf.put("Output", "Agent alive and reachable");
            serf.put("ServiceID", "");
            serf.put("ServiceName", "");
            serf.putArray("ServiceTags");
            r.checks().values().forEach(c -> {
                var check = checks.addObject();
                check.put("Node", NODE);
                check.put("CheckID", c.id);
                check.put("Name", c.name);
                check.put("Status", c.status);
                check.put("Notes", "");
                check.put("Output", c.output);
                check.put("ServiceID", r.service().path("ID").asText());
                check.put("ServiceName", name);
                check.set("ServiceTags", r.service().path("Tags"));
                check.put("Type", c.http != null ? "http" : "tcp");
            });
        });
        return out;
    }

    private void kv(HttpExchange exchange, String key, Map<String, String> query, String method) throws IOException {
        switch (method) {
            case "GET" -> {
                awaitChange(query);
                var out = JSON.createArrayNode();
                synchronized (changed) {
                    if (query.containsKey("recurse")) {
                        kv.tailMap(key, true).values().stream().takeWhile(e -> e.key().startsWith(key))
                                .forEach(e -> out.add(entry(e)));
                    } else if (kv.containsKey(key)) {
                        out.add(entry(kv.get(key)));
                    }
                }
                if (out.isEmpty()) {
                    send(exchange, 404, "");
                } else {
                    sendJson(exchange, out);
                }
            }
            case "PUT" -> {
                putKey(key, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                sendJson(exchange, JSON.getNodeFactory().booleanNode(true));
            }
            case "DELETE" -> {
                synchronized (changed) {
                    if (query.containsKey("recurse")) {
                        kv.keySet().removeIf(k -> k.startsWith(key));
                    } else {
                        kv.remove(key);
                    }
                    index++;
                    changed.notifyAll();
                }
                sendJson(exchange, JSON.getNodeFactory().booleanNode(true));
            }
            default -> send(exchange, 405, "method not allowed");
        }
    }

    private static ObjectNode entry(KvEntry e) {
        var node = JSON.createObjectNode();
        node.put("LockIndex", 0);
        node.put("Key", e.key());
        node.put("Flags", e.flags());
        node.put("Value", Base64.getEncoder().encodeToString(e.value()));
        node.put("CreateIndex", e.createIndex());
        node.put("ModifyIndex", e.modifyIndex());
        return node;
    }

    /** A blocking query: holds the request until the index moves past the client's or its wait runs out. */
    private void awaitChange(Map<String, String> query) {
        if (!query.containsKey("index")) {
            return;
        }
        long seen = Long.parseLong(query.get("index"));
        Duration wait = query.containsKey("wait") ? duration(query.get("wait")) : Duration.ofMinutes(5);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (changed) {
            while (index <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(changed, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void runChecks() {
        long now = System.nanoTime();
        for (var entry : services.entrySet()) {
            for (var check : entry.getValue().checks().values()) {
                if (now < check.nextRun) {
                    continue;
                }
                check.nextRun = now + check.interval.toNanos();
                String before = check.status;
                String status = probe(check);
                if (!status.equals("critical")) {
                    check.criticalSince = Long.MAX_VALUE;
                } else if (!before.equals("critical")) {
                    check.criticalSince = now;
                }
                check.status = status;
                if (!before.equals(status)) {
                    bump();
                }
                if (check.deregisterAfter != null && status.equals("critical") && check.criticalSince != Long.MAX_VALUE
                        && now - check.criticalSince > check.deregisterAfter.toNanos()) {
                    services.remove(entry.getKey());
                    bump();
                    break;
                }
            }
        }
    }

    private String probe(CheckState check) {
        if (check.http != null) {
            try {
                var response = checker.send(HttpRequest.newBuilder(URI.create(check.http)).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                check.output = "HTTP GET " + check.http + ": " + response.statusCode();
                int code = response.statusCode();
                return code >= 200 && code < 300 ? "passing" : code == 429 ? "warning" : "critical";
            } catch (IOException e) {
                check.output = "HTTP GET " + check.http + ": " + e;
                return "critical";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return check.status;
            }
        }
        String[] hostPort = check.tcp.split(":");
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
            check.output = "TCP connect " + check.tcp + ": Success";
            return "passing";
        } catch (IOException e) {
            check.output = "dial tcp " + check.tcp + ": " + e.getMessage();
            return "critical";
        }
    }

    private void sendJson(HttpExchange exchange, JsonNode body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, 200, JSON.writeValueAsString(body));
    }

    private void send(HttpExchange exchange, int status, String body) throws IOException {
        long current;
        synchronized (changed) {
            current = index;
        }
        exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(current));
        exchange.getResponseHeaders().set("X-Consul-Knownleader", "true");
        exchange.getResponseHeaders().set("X-Consul-Lastcontact", "0");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static boolean contains(ArrayNode array, String value) {
        for (var item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> query(String raw) {
        var out = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Consul's duration strings: {@code 10s}, {@code 500ms}, {@code 1m30s}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        boolean any = false;
        while (m.find()) {
            any = true;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        if (!any) {
            throw new IllegalArgumentException("bad duration " + text);
        }
        return total;
    }
}
