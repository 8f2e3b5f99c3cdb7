package dev.forge.telemetry.tracing;

import java.util.Optional;
import java.util.regex.Pattern;

import io.opentelemetry.api.trace.Span;

/**
 * W3C trace context (traceparent: {@code 00-<trace id>-<span id>-<flags>}) as runs carry it: the gateway records the
 * request's on the run it creates, the worker puts its trace id on the run's log lines, and the run's events carry it
 * over RabbitMQ. Without an OpenTelemetry SDK in the process there is no current span and nothing is recorded.
 */
public final class TraceContext {

    /** The AMQP header and JSON field name, as W3C names it. */
    public static final String TRACEPARENT = "traceparent";
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    private TraceContext() {
    }

    /** The current span's traceparent, if a valid span is current. */
    public static Optional<String> currentTraceparent() {
        var context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex());
    }

    /** The trace id of a traceparent, if it is one. */
    public static Optional<String> traceId(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(traceparent);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
