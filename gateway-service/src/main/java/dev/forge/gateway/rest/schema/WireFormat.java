package dev.forge.gateway.rest.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON the gateway's REST API reads and writes, as the OpenAPI document describes it (names are written in
 * snake_case). Request bodies are checked by the services' validators, which REST and gRPC share and which list every
 * problem at once; the limits written here are the ones those validators enforce.
 */
public final class WireFormat {

    private WireFormat() {
    }

    @Schema(description = "A flow and the version (content hash) a resource is pinned to")
    public record FlowRef(String name, @Schema(description = "Content hash of the flow's source") String version,
            @Schema(description = "An assistant's runs take the flow's version current when they are created")
            Boolean followsLatest) {
    }

    public record Assistant(UUID id, String workspaceId, String name, String description, FlowRef flow,
            ObjectNode config, ObjectNode metadata, int version, Instant createdAt, Instant updatedAt) {
    }

    public record AssistantVersion(UUID assistantId, int version, String name, String description, FlowRef flow,
            ObjectNode config, ObjectNode metadata, Instant createdAt) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record AssistantCreate(@Schema(required = true, maxLength = 200) String name,
            @Schema(maxLength = 2000) String description,
            @Schema(required = true, description = "A system flow or one of the workspace's") String flow,
            @Schema(description = "Absent: the flow's current version, pinned; 'latest': each run takes the version "
                    + "current at its creation; a version hash: that version, pinned") String flowVersion,
            ObjectNode config, ObjectNode metadata) {
    }

    @Schema(additionalProperties = Schema.False.class, minProperties = 1,
            description = "A new version of the assistant; runs keep the version they started with")
    public record AssistantUpdate(@Schema(maxLength = 200) String name, @Schema(maxLength = 2000) String description,
            @Schema(description = "Re-pins to this flow's current version") String flow,
            @Schema(description = "As on create; needs flow") String flowVersion, ObjectNode config,
            ObjectNode metadata) {
    }

    public record Session(UUID id, String workspaceId, UUID assistantId, ObjectNode metadata,
            @Schema(enumeration = { "idle", "busy", "error" }) String status, Instant createdAt,
            Instant updatedAt) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record SessionCreate(@Schema(required = true) UUID assistantId, ObjectNode metadata) {
    }

    @Schema(additionalProperties = Schema.False.class,
            description = "Applied to a clone of the assistant's flow for this run only")
    public record Overrides(@Schema(description = "Model for every llm executor") String model,
            @Schema(description = "Model per executor id") Map<String, String> models,
            @Schema(description = "Tool names per executor id") Map<String, List<String>> tools,
            @Schema(minimum = "1") Integer maxTokens, @Schema(examples = "60s") String timeout,
            ObjectNode parameters,
            @Schema(description = "Executor ids to stop before for a person's go-ahead, or \"*\"")
            List<String> interruptBefore,
            @Schema(description = "Executor ids to stop after, or \"*\"") List<String> interruptAfter) {
    }

    @Schema(additionalProperties = Schema.False.class,
            description = "assistant_id (a new session is made) or session_id")
    public record RunCreate(UUID assistantId, UUID sessionId, ObjectNode input, Overrides overrides,
            @Schema(enumeration = { "enqueue", "reject", "interrupt" }, defaultValue = "enqueue") String multitaskStrategy,
            @Schema(maxItems = 50, description = "Artifacts of the workspace this run reads (textual ones reach its prompts)")
            List<UUID> artifacts,
            @Schema(description = "Executor ids this run stops before for a person's go-ahead, or \"*\" "
                    + "(kept in its overrides)") List<String> interruptBefore,
            @Schema(description = "Executor ids this run stops after, or \"*\"") List<String> interruptAfter,
            @Schema(maxLength = 2048, description = "An http(s) URL sent this run's outcome (and each stop to wait for "
                    + "a person): run.succeeded, run.failed, run.cancelled, run.timed_out, run.interrupted")
            String webhook) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record SessionRunCreate(@Schema(description = "Optional; must be the session's") UUID assistantId,
            ObjectNode input, Overrides overrides,
            @Schema(enumeration = { "enqueue", "reject", "interrupt" }, defaultValue = "enqueue") String multitaskStrategy,
            @Schema(maxItems = 50) List<UUID> artifacts, List<String> interruptBefore, List<String> interruptAfter,
            @Schema(maxLength = 2048, description = "An http(s) URL sent this run's outcome") String webhook) {
    }

    @Schema(additionalProperties = Schema.False.class, description = "A person's answer to the question a run waits on")
    public record ResumeRequest(
            @Schema(description = "The answer (any JSON); for a human executor it must meet the question's schema "
                    + "and is required unless goto is given") JsonNode value,
            @Schema(description = "A state edit applied before the run goes on, recorded in its checkpoint")
            StateEdit state,
            @Schema(name = "goto", description = "Continue at this executor instead (it and what follows it run again)")
            String goTo) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record StateEdit(@Schema(description = "Fields merged over the run's input") ObjectNode input,
            @Schema(description = "Outputs replaced by executor id (queued messages from them too)")
            Map<String, JsonNode> outputs) {
    }

    @Schema(additionalProperties = Schema.False.class,
            description = "One of cron (with timezone) or interval; assistant_id, or session_id (runs go there)")
    public record ScheduleCreate(@Schema(required = true, maxLength = 100) String name, UUID assistantId,
            UUID sessionId,
            @Schema(description = "Five fields: minute hour day-of-month month day-of-week", examples = "0 9 * * MON-FRI")
            String cron,
            @Schema(description = "IANA zone the cron expression is read in", defaultValue = "UTC") String timezone,
            @Schema(description = "A duration (\"15m\") or seconds; 1s to 366 days", examples = "15m") String interval,
            ObjectNode input, Overrides overrides,
            @Schema(enumeration = { "enqueue", "reject", "interrupt" }, defaultValue = "enqueue")
            String multitaskStrategy,
            @Schema(enumeration = { "skip", "run_once" }, defaultValue = "run_once",
                    description = "What a tick missed by more than the grace (all gateways down) does")
            String misfirePolicy, @Schema(defaultValue = "false") Boolean paused) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record ScheduleUpdate(@Schema(maxLength = 100) String name, String cron, String timezone, String interval,
            ObjectNode input, Overrides overrides,
            @Schema(enumeration = { "enqueue", "reject", "interrupt" }) String multitaskStrategy,
            @Schema(enumeration = { "skip", "run_once" }) String misfirePolicy) {
    }

    public record Schedule(UUID id, String workspaceId, String name, UUID assistantId, UUID sessionId, String cron,
            String timezone, Long intervalSeconds, ObjectNode input, ObjectNode overrides, String multitaskStrategy,
            String misfirePolicy, boolean paused,
            @Schema(description = "The tick to fire next; null while paused") Instant nextFireAt,
            @Schema(description = "The next five fire times") List<Instant> nextFireTimes, Instant lastFiredAt,
            UUID lastRunId, @Schema(description = "Why the last tick made no run, if it did not") String lastError,
            Instant createdAt, Instant updatedAt) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record RejectRequest(@Schema(maxLength = 2000) String reason) {
    }

    public record Interrupt(@Schema(enumeration = { "human", "before", "after" }) String kind, String executor,
            String question, @Schema(description = "JSON Schema the answer must meet (human executors)")
            ObjectNode schema, int step, Instant since,
            @Schema(description = "When the question times out; null: it waits for ever") Instant deadline,
            @Schema(description = "Where a timeout goes: an executor id or fail") String onTimeout) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record ForkRequest(@Schema(required = true, minimum = "0") int step, Overrides overrides,
            @Schema(defaultValue = "false") Boolean newSession) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record ReplayRequest(@Schema(required = true, minimum = "0") int step,
            @Schema(defaultValue = "false") Boolean newSession) {
    }

    public record RunError(String type, String message, String executor, Integer step) {
    }

    public record Run(UUID id, String workspaceId, UUID sessionId, UUID assistantId, int assistantVersion,
            FlowRef flow,
            @Schema(enumeration = { "pending", "running", "interrupted", "succeeded", "failed", "cancelled",
                    "timed_out" }) String status,
            ObjectNode input, ObjectNode overrides,
            @Schema(description = "The final output (any JSON), once succeeded") JsonNode output, RunError error,
            int attempt, int stepIndex, String currentStep,
            @Schema(description = "Executors in the order they ran") List<String> route, Instant createdAt,
            Instant startedAt, Instant finishedAt, Long durationMs, Instant cancelRequestedAt,
            String multitaskStrategy, UUID parentRunId, Integer forkedFromStep, List<Artifact> artifacts,
            @Schema(description = "What the run waits on while interrupted") Interrupt interrupt,
            @Schema(description = "The schedule that made this run, if one did") UUID scheduleId) {
    }

    public record Artifact(UUID id, String name, String contentType, long sizeBytes,
            @Schema(description = "Hex SHA-256 of the bytes") String sha256, Instant createdAt) {
    }

    public record Checkpoint(UUID id, int stepIndex,
            @Schema(description = "The coordinator's whole state after this step: outputs, statuses, inboxes, trace, usage")
            ObjectNode state, ObjectNode metadata, Instant createdAt) {
    }

    public record Message(UUID runId, int seq, @Schema(enumeration = { "user", "assistant", "system", "tool" }) String role,
            String executorId, JsonNode content, Instant createdAt) {
    }

    public record FlowExecutor(String id,
            @Schema(enumeration = { "llm", "conditional", "merge", "send", "wait", "tool", "human" }) String type,
            String model,
            List<String> targets) {
    }

    public record Flow(String name,
            @Schema(enumeration = { "system", "workspace" },
                    description = "system: config/flows/, changed by deployments; workspace: made through the API")
            String origin, @Schema(description = "Content hash of the source; runs and assistants pin it") String version,
            @Schema(description = "1, 2, … in the order a workspace flow's versions were saved") Integer versionNumber,
            String description, @Schema(enumeration = { "message_driven", "sequential" }) String routingPolicy,
            Integer timeoutS, List<FlowExecutor> executors, Instant createdAt, Instant updatedAt) {
    }

    public record FlowVersion(String version, int number, boolean current, Instant createdAt) {
    }

    public record ApiKey(UUID id, String workspaceId, String name,
            @Schema(enumeration = { "admin", "operator", "developer", "viewer" }) String role,
            @Schema(description = "Identifies the key; the secret is never shown again") String prefix,
            UUID createdBy, Instant createdAt, Instant revokedAt) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record ApiKeyCreate(@Schema(required = true, maxLength = 200) String name,
            @Schema(required = true, enumeration = { "admin", "operator", "developer", "viewer" }) String role,
            @Schema(description = "Defaults to the admin's workspace") String workspaceId) {
    }

    public record ApiKeyCreated(UUID id, String workspaceId, String name, String role, String prefix, UUID createdBy,
            Instant createdAt, @Schema(description = "The secret, shown in this response only") String key) {
    }

    public record McpAuth(@Schema(description = "The header the secret is sent in") String header,
            @Schema(description = "Whether a secret is stored; it is never shown") boolean configured) {
    }

    public record McpServer(UUID id, String name, @Schema(enumeration = { "stdio", "http" }) String transport,
            String command, List<String> args, String url, McpAuth auth,
            @Schema(enumeration = { "unknown", "healthy", "unhealthy" }) String status, Instant lastCheckedAt,
            String lastError, Long latencyMs, ObjectNode serverInfo,
            @Schema(description = "The tools' names as flows use them: <server>.<tool>") List<String> tools,
            Instant createdAt, Instant updatedAt) {
    }

    @Schema(description = "The secret of an http server's auth header; sealed at rest, never returned")
    public record McpAuthInput(@Schema(required = true) String header, @Schema(required = true) String value) {
    }

    @Schema(additionalProperties = Schema.False.class,
            description = "stdio servers give command (and args), http servers url (and auth)")
    public record McpServerInput(String name, @Schema(enumeration = { "stdio", "http" }) String transport,
            String command, List<String> args, String url, McpAuthInput auth) {
    }

    public record McpProbe(boolean ok, long latencyMs, String protocolVersion, Integer toolCount, String error) {
    }

    public record McpTool(@Schema(description = "The name flows use: <server>.<tool>") String name, String tool,
            String description, ObjectNode inputSchema) {
    }

    public record McpTools(String server, @Schema(enumeration = { "live", "last_check" }) String source,
            List<McpTool> tools) {
    }

    public record Memory(UUID id, UUID assistantId, UUID sessionId, String content, ObjectNode metadata,
            Instant createdAt, Instant expiresAt) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record MemoryPut(@Schema(required = true) String content, UUID assistantId, UUID sessionId,
            ObjectNode metadata, @Schema(minimum = "1") Long ttlSeconds) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record MemorySearch(@Schema(required = true) String query, @Schema(minimum = "1") Integer k,
            UUID assistantId, UUID sessionId) {
    }

    public record MemoryHit(UUID id, UUID assistantId, UUID sessionId, String content, ObjectNode metadata,
            Instant createdAt, Instant expiresAt, @Schema(description = "Similarity, 0 to 1") double score) {
    }

    public record MemorySearchResult(@Schema(description = "The index that answered, e.g. pgvector or lexical") String index,
            List<MemoryHit> results) {
    }

    @Schema(type = SchemaType.OBJECT, description = "A flow's nodes and edges, or a run's route drawn over them")
    public record Graph(List<ObjectNode> nodes, List<ObjectNode> edges) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record WebhookCreate(@Schema(required = true, maxLength = 2048, description = "http(s); no credentials; "
            + "public addresses unless forge.webhooks.allowed-networks admits more") String url,
            @Schema(required = true, description = "Event types sent", enumeration = { "run.created", "run.started",
                    "run.succeeded", "run.failed", "run.cancelled", "run.timed_out", "run.interrupted",
                    "run.resumed" }) List<String> events,
            @Schema(maxLength = 500) String description, @Schema(defaultValue = "true") Boolean enabled) {
    }

    @Schema(additionalProperties = Schema.False.class)
    public record WebhookUpdate(@Schema(maxLength = 2048) String url, List<String> events,
            @Schema(maxLength = 500) String description, Boolean enabled) {
    }

    public record Webhook(UUID id, String workspaceId, String url, List<String> events, String description,
            boolean enabled, Instant createdAt, Instant updatedAt) {
    }

    public record WebhookWithSecret(UUID id, String workspaceId, String url, List<String> events, String description,
            boolean enabled, Instant createdAt, Instant updatedAt,
            @Schema(description = "The HMAC-SHA256 key of Forge-Signature; shown only in this answer") String secret) {
    }

    public record WebhookDelivery(UUID id, String workspaceId,
            @Schema(description = "The subscription; null for a run's own webhook") UUID webhookId, UUID runId,
            long eventId, String eventType, String url,
            @Schema(enumeration = { "pending", "succeeded", "failed" }) String status,
            @Schema(description = "An attempt is under way now") boolean inFlight, int attempts,
            Instant nextAttemptAt, Instant giveUpAt, Integer lastStatusCode, String lastError, Instant createdAt,
            Instant deliveredAt) {
    }

    public record WebhookAttempt(int attempt, Instant startedAt, int durationMs, Integer statusCode, String error,
            @Schema(description = "The answer's first bytes") String response) {
    }

    public record WebhookDeliveryDetail(UUID id, String workspaceId, UUID webhookId, UUID runId, long eventId,
            String eventType, String url, String status, boolean inFlight, int attempts, Instant nextAttemptAt,
            Instant giveUpAt, Integer lastStatusCode, String lastError, Instant createdAt, Instant deliveredAt,
            @Schema(description = "What is sent: event_id, type, workspace_id, created_at, data {event, run}")
            ObjectNode body, @Schema(description = "Every attempt, oldest first") List<WebhookAttempt> attemptLog) {
    }

    @Schema(additionalProperties = Schema.False.class, description = "0: no limit; null: the configured default")
    public record LimitUpdate(@Schema(minimum = "0", maximum = "100000") Integer maxConcurrent,
            @Schema(minimum = "0", maximum = "1000000") Integer runsPerMinute) {
    }

    public record LimitPair(int maxConcurrent, int runsPerMinute) {
    }

    public record EffectiveLimits(int maxConcurrent, int runsPerMinute,
            @Schema(description = "Set for this workspace (else the defaults)") boolean overridden) {
    }

    public record AssistantLimits(UUID assistantId, Integer maxConcurrent, Integer runsPerMinute) {
    }

    public record LimitDefaults(LimitPair workspace, LimitPair assistant) {
    }

    public record Limits(String workspaceId, LimitDefaults defaults, EffectiveLimits workspace,
            List<AssistantLimits> assistants) {
    }

    public record WorkspaceUsage(String workspaceId, long running, long queued,
            @Schema(description = "Runs waiting for a person (they hold no slot)") long waiting, int maxConcurrent,
            int runsPerMinute, boolean overridden) {
    }
}
