package dev.forge.telemetry.messaging;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.telemetry.config.LogShippingConfig;
import dev.forge.telemetry.logging.RunLogs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Ships this service's log records to RabbitMQ as JSON (exchange {@code forge.logs}, key {@code <service>.<level>}):
 * time, service, host, level, logger, message, thread, MDC (trace ids when tracing puts them there; a run's id,
 * workspace and trace from {@link RunLogs}) and the exception, on the connector channel {@code forge-logs-out} (a
 * connection of its own, so logging never competes with events). Publishing never blocks the logging thread: the
 * emitter's buffer is bounded, and records are dropped (and counted, {@link BusDrops}) while it is full — as it is
 * while the broker is away.
 */
@Singleton
public class LogShipping {

    /** The topic exchange of structured log records; routing key {@code <service>.<level>}. */
    public static final String EXCHANGE = "forge.logs";
    private static final int STACK_FRAMES = 20;
    /** Formats records that are not JBoss ones (plain JUL); thread-safe. */
    private static final Formatter PLAIN = new SimpleFormatter();

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String CHANNEL = "forge-logs-out";
    /** The messaging stack's own records would feed back into it. */
    private static final List<String> NOT_SHIPPED = List.of("com.rabbitmq", "io.vertx.rabbitmq",
            "io.vertx.mutiny.rabbitmq", "io.smallrye.reactive.messaging");

    private final LogShippingConfig config;
    private final MutinyEmitter<byte[]> out;
    private final BusDrops drops;
    private final String service;
    private final String host;
    private Handler handler;

    public LogShipping(LogShippingConfig config,
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
            MutinyEmitter<byte[]> out, BusDrops drops,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "forge") String service) {
        this.config = config;
        this.out = out;
        this.drops = drops;
        this.service = service;
        this.host = hostName();
    }

    void start(@Observes StartupEvent event) {
        if (!config.ship()) {
            return;
        }
        var threshold = Level.parse(config.level().toUpperCase(Locale.ROOT));
        handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() < threshold.intValue() || record.getLoggerName() == null
                        || NOT_SHIPPED.stream().anyMatch(record.getLoggerName()::startsWith)) {
                    return;
                }
                ship(record);
            }

            @Override
            public void flush() {
                // records are handed over as they come
            }

            @Override
            public void close() {
                // the publisher is closed with the service
            }
        };
        Logger.getLogger("").addHandler(handler);
    }

    void stop(@Observes ShutdownEvent event) {
        if (handler != null) {
            Logger.getLogger("").removeHandler(handler);
        }
    }

    private void ship(LogRecord record) {
        try {
            var json = record(record);
            var body = JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
            var metadata = BusDrops.transientMessage(service + "." + json.get("level").asText()).build();
            drops.send(CHANNEL, () -> out.sendMessage(Message.of(body).addMetadata(metadata)));
        } catch (JsonProcessingException | RuntimeException e) {
            // a record that cannot be shipped is not worth a log line of its own (it would be shipped too)
        }
    }

    ObjectNode record(LogRecord record) {
        var out = JSON.createObjectNode();
        out.put("timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
        out.put("service", service);
        out.put("host", host);
        out.put("level", level(record));
        out.put("logger", record.getLoggerName());
        if (record instanceof ExtLogRecord ext) {
            out.put("message", ext.getFormattedMessage());
            out.put("thread", ext.getThreadName());
            var mdc = out.putObject("mdc");
            ext.getMdcCopy().forEach((k, v) -> mdc.put(k, String.valueOf(v)));
        } else {
            out.put("message", PLAIN.formatMessage(record));
        }
        var run = RunLogs.current();
        if (run != null) {
            var mdc = out.with("mdc");
            mdc.put(RunLogs.RUN_ID, run.id().toString());
            if (run.workspace() != null) {
                mdc.put(RunLogs.WORKSPACE_ID, run.workspace());
            }
            run.traceId().filter(t -> !mdc.has(RunLogs.TRACE_ID)).ifPresent(t -> mdc.put(RunLogs.TRACE_ID, t));
        }
        if (record.getThrown() != null) {
            var thrown = record.getThrown();
            var error = out.putObject("exception");
            error.put("type", thrown.getClass().getName());
            error.put("message", thrown.getMessage());
            var stack = error.putArray("stack");
            Arrays.stream(thrown.getStackTrace()).limit(STACK_FRAMES).forEach(f -> stack.add(f.toString()));
        }
        return out;
    }

    /** JBoss Logging's names (ERROR, WARN, INFO, DEBUG, TRACE) for JUL levels too. */
    private static String level(LogRecord record) {
        int value = record.getLevel().intValue();
        if (value >= java.util.logging.Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= java.util.logging.Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= java.util.logging.Level.INFO.intValue()) {
            return "INFO";
        }
        return value >= java.util.logging.Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
