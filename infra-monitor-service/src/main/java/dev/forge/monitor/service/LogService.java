package dev.forge.monitor.service;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.core.json.JsonValues;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.LogFilter;
import dev.forge.monitor.repository.LogRepository;
import dev.forge.monitor.repository.LogRepository.LogRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Log records shipped by every service: buffered as they arrive, stored in batches, streamed live, paged from
 * history; every access is audited with its filter.
 */
@ApplicationScoped
public class LogService {

    /** Records held while PostgreSQL is slow; beyond this the oldest are dropped (logs must not sink the monitor). */
    private static final int BUFFER_LIMIT = 20_000;
    private static final int BATCH = 500;

    private final LogRepository logs;
    private final AuditLog audit;
    private final MonitorConfig config;
    private final ConcurrentLinkedQueue<LogRecord> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final LiveFeed<ObjectNode> live = new LiveFeed<>();

    public LogService(LogRepository logs, AuditLog audit, MonitorConfig config) {
        this.logs = logs;
        this.audit = audit;
        this.config = config;
    }

    /** Accepts one shipped record (JSON); malformed ones are dropped. */
    public void received(byte[] body) {
        LogRecord record;
        try {
            record = parse(JsonValues.MAPPER.readTree(body));
        } catch (IOException | RuntimeException e) {
            return;
        }
        buffer.add(record);
        if (buffered.incrementAndGet() > BUFFER_LIMIT && buffer.poll() != null) {
            buffered.decrementAndGet();
        }
    }

    /** Stores what arrived since the last flush, in batches; the count stored. */
    public Uni<Integer> flush() {
        var batch = new ArrayList<LogRecord>(BATCH);
        LogRecord next;
        while (batch.size() < BATCH && (next = buffer.poll()) != null) {
            buffered.decrementAndGet();
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return logs.insert(batch).invoke(stored -> stored.forEach(live::publish)).map(List::size);
    }

    public Uni<List<ObjectNode>> history(Caller caller, LogFilter filter, Long before, int limit) {
        return audit.by(caller, AuditLog.LOGS_ACCESSED, "history", filter.json())
                .flatMap(x -> logs.page(filter, before, limit));
    }

    /** The live stream, after the access is audited. */
    /** Live records matching the filter, after those stored since {@code lastEventId} when a client resumes. */
    public Uni<Multi<ObjectNode>> live(Caller caller, LogFilter filter, Long lastEventId) {
        return audit.by(caller, AuditLog.LOGS_ACCESSED, "live", filter.json())
                .map(x -> LiveFeed.resume(live.stream().filter(filter::matches), lastEventId,
                        after -> logs.after(filter, after, LiveFeed.BACKLOG)));
    }

    public Uni<List<ObjectNode>> forRun(UUID runId, int limit) {
        return logs.page(new LogFilter(List.of(), null, runId, null, null, null, null, null), null, limit);
    }

    public Uni<Integer> prune() {
        return logs.prune(Instant.now().minus(config.logRetention()));
    }

    private static LogRecord parse(JsonNode json) {
        var mdc = json.path("mdc");
        var exception = json.get("exception");
        String runId = firstText(mdc, "run_id", "runId");
        return new LogRecord(Instant.parse(json.get("timestamp").asText()), json.get("service").asText(),
                text(json, "host"), json.path("level").asText("INFO"), text(json, "logger"),
                json.path("message").asText(""), text(json, "thread"), firstText(mdc, "traceId", "trace_id"),
                firstText(mdc, "spanId", "span_id"), runId == null ? null : UUID.fromString(runId),
                firstText(mdc, "workspace_id", "workspaceId"), mdc.isObject() ? mdc.toString() : null,
                exception == null || exception.isNull() ? null : exception.toString());
    }

    private static String text(JsonNode node, String field) {
        var v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            var v = node.get(f);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }

}
