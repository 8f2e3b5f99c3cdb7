package dev.forge.telemetry.logging;

import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.forge.telemetry.tracing.TraceContext;

/**
 * Log lines about one run carry its id, workspace and trace ({@code run_id}, {@code workspace_id}, {@code traceId}), so
 * shipped records can be found by run or trace and shown to that workspace's developers: in the MDC for console
 * formats, and in a thread-local that {@link dev.forge.telemetry.messaging.LogShipping} reads while the record is
 * published (Quarkus keeps the MDC in the Vert.x context, which a shipped record does not reliably see). Set and
 * cleared around the one call: reactive code hops threads, so nothing is left behind.
 */
public final class RunLogs {

    public static final String RUN_ID = "run_id";
    public static final String WORKSPACE_ID = "workspace_id";
    /** The name Quarkus's OpenTelemetry uses in the MDC. */
    public static final String TRACE_ID = "traceId";

    /** The run a line is about: its id, workspace and the W3C traceparent it was created under (may be null). */
    public record Run(UUID id, String workspace, String traceParent) {
        public Optional<String> traceId() {
            return TraceContext.traceId(traceParent);
        }
    }

    /** The run being logged about on this thread, during one {@link #log} call. */
    private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

    private RunLogs() {
    }

    /** The run whose line is being logged on this thread, else null. */
    public static Run current() {
        return CURRENT.get();
    }

    public static void log(Logger log, Logger.Level level, Run run, String format, Object... params) {
        if (!log.isEnabled(level)) {
            return;
        }
        MDC.put(RUN_ID, run.id().toString());
        if (run.workspace() != null) {
            MDC.put(WORKSPACE_ID, run.workspace());
        }
        CURRENT.set(run);
        try {
            log.logf(level, format, params);
        } finally {
            CURRENT.remove();
            MDC.remove(RUN_ID);
            MDC.remove(WORKSPACE_ID);
        }
    }
}
