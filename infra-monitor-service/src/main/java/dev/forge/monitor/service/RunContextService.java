package dev.forge.monitor.service;

import java.util.LinkedHashSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.monitor.repository.RunContextRepository;
import io.smallrye.mutiny.Uni;

/**
 * One run's whole context in one answer: the run, its checkpoints (whole states), its events, the log records that
 * name it, and the trace ids: the run's own (the W3C trace of the request that created it) and any its records carry.
 * Developers see runs of their own workspace only; the access is audited like any log access.
 */
@ApplicationScoped
public class RunContextService {

    private static final int LOG_LIMIT = 500;

    private final RunContextRepository runs;
    private final LogService logs;
    private final AuditLog audit;

    public RunContextService(RunContextRepository runs, LogService logs, AuditLog audit) {
        this.runs = runs;
        this.logs = logs;
        this.audit = audit;
    }

    public Uni<ObjectNode> context(Caller caller, UUID runId) {
        return runs.run(runId).flatMap(found -> {
            var run = found.filter(r -> caller.role() != Role.DEVELOPER
                    || caller.workspace().equals(r.get("workspace_id").asText()))
                    .orElseThrow(() -> ApiProblem.notFound("run", runId.toString()));
            var out = JsonNodeFactory.instance.objectNode();
            out.set("run", run);
            var criteria = JsonNodeFactory.instance.objectNode().put("run_id", runId.toString())
                    .put("context", true);
            return audit.by(caller, AuditLog.LOGS_ACCESSED, "run-context", criteria)
                    .flatMap(x -> runs.checkpoints(runId))
                    .flatMap(checkpoints -> {
                        out.putArray("checkpoints").addAll(checkpoints);
                        return runs.events(runId);
                    })
                    .flatMap(events -> {
                        out.putArray("events").addAll(events);
                        return logs.forRun(runId, LOG_LIMIT);
                    })
                    .map(records -> {
                        // the run's own trace first (the request that created it), then any its records name
                        var traces = new LinkedHashSet<String>();
                        if (run.hasNonNull("trace_id")) {
                            traces.add(run.get("trace_id").asText());
                        }
                        var logArray = out.putArray("logs");
                        // oldest first, as a timeline reads
                        for (int i = records.size() - 1; i >= 0; i--) {
                            var record = records.get(i);
                            logArray.add(record);
                            var trace = record.path("trace_id").asText(null);
                            if (trace != null) {
                                traces.add(trace);
                            }
                        }
                        out.put("logs_truncated", records.size() == LOG_LIMIT);
                        var traceIds = out.putArray("trace_ids");
                        traces.forEach(traceIds::add);
                        return out;
                    });
        });
    }
}
