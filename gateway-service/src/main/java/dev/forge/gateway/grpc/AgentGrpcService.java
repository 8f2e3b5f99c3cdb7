package dev.forge.gateway.grpc;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.service.AssistantService;
import dev.forge.gateway.service.FlowService;
import dev.forge.gateway.service.RunControls;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.RunStreamService;
import dev.forge.gateway.service.ScheduleService;
import dev.forge.gateway.service.WaitingRuns;
import dev.forge.gateway.service.SessionService;
import dev.forge.input.InputRefused;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.Assistant;
import dev.forge.proto.agent.v1.CancelRunRequest;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.CreateFlowRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.CreateScheduleRequest;
import dev.forge.proto.agent.v1.CreateSessionRequest;
import dev.forge.proto.agent.v1.DeleteFlowRequest;
import dev.forge.proto.agent.v1.DeleteFlowResponse;
import dev.forge.proto.agent.v1.DeleteScheduleResponse;
import dev.forge.proto.agent.v1.Flow;
import dev.forge.proto.agent.v1.FlowSource;
import dev.forge.proto.agent.v1.FlowVersion;
import dev.forge.proto.agent.v1.ForkRunRequest;
import dev.forge.proto.agent.v1.GetAssistantRequest;
import dev.forge.proto.agent.v1.GetFlowRequest;
import dev.forge.proto.agent.v1.GetFlowSourceRequest;
import dev.forge.proto.agent.v1.GetRunGraphRequest;
import dev.forge.proto.agent.v1.GetRunRequest;
import dev.forge.proto.agent.v1.GetSessionRequest;
import dev.forge.proto.agent.v1.Identity;
import dev.forge.proto.agent.v1.ListAssistantsRequest;
import dev.forge.proto.agent.v1.ListAssistantsResponse;
import dev.forge.proto.agent.v1.ListFlowVersionsRequest;
import dev.forge.proto.agent.v1.ListFlowVersionsResponse;
import dev.forge.proto.agent.v1.ListFlowsRequest;
import dev.forge.proto.agent.v1.ListFlowsResponse;
import dev.forge.proto.agent.v1.ListRunsRequest;
import dev.forge.proto.agent.v1.ListRunsResponse;
import dev.forge.proto.agent.v1.ListSchedulesRequest;
import dev.forge.proto.agent.v1.ListSchedulesResponse;
import dev.forge.proto.agent.v1.ListSessionsRequest;
import dev.forge.proto.agent.v1.ListSessionsResponse;
import dev.forge.proto.agent.v1.RejectRunRequest;
import dev.forge.proto.agent.v1.ReplayRunRequest;
import dev.forge.proto.agent.v1.ResumeRunRequest;
import dev.forge.proto.agent.v1.Run;
import dev.forge.proto.agent.v1.RunEvent;
import dev.forge.proto.agent.v1.RunGraph;
import dev.forge.proto.agent.v1.Schedule;
import dev.forge.proto.agent.v1.ScheduleRequest;
import dev.forge.proto.agent.v1.Session;
import dev.forge.proto.agent.v1.StreamRunEventsRequest;
import dev.forge.proto.agent.v1.UpdateFlowRequest;
import dev.forge.proto.agent.v1.UpdateScheduleRequest;
import dev.forge.proto.agent.v1.ValidateFlowRequest;
import dev.forge.proto.agent.v1.WaitRunRequest;
import dev.forge.proto.agent.v1.WhoAmIRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * forge.agent.v1.AgentService: the same services, validation and transactions as the REST API, with gRPC status
 * codes. Every method authenticates first (asynchronously) and acts in the caller's workspace.
 */
@GrpcService
public class AgentGrpcService implements AgentService {

    private static final Role[] READ = { Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER };
    private static final Role[] BUILD = { Role.ADMIN, Role.DEVELOPER };
    private static final Role[] RUN = { Role.ADMIN, Role.OPERATOR, Role.DEVELOPER };

    private final GrpcAuth auth;
    private final AssistantService assistants;
    private final SessionService sessions;
    private final RunCreation creation;
    private final RunQueries queries;
    private final RunControls controls;
    private final RunStreamService streams;
    private final GatewayConfig config;
    private final FlowService flows;
    private final WaitingRuns waiting;
    private final ScheduleService schedules;

    public AgentGrpcService(GrpcAuth auth, AssistantService assistants, SessionService sessions,
            RunCreation creation, RunQueries queries, RunControls controls, RunStreamService streams,
            GatewayConfig config, FlowService flows, WaitingRuns waiting, ScheduleService schedules) {
        this.waiting = waiting;
        this.schedules = schedules;
        this.config = config;
        this.flows = flows;
        this.auth = auth;
        this.assistants = assistants;
        this.sessions = sessions;
        this.creation = creation;
        this.queries = queries;
        this.controls = controls;
        this.streams = streams;
    }

    private <T> Uni<T> call(String method, Role[] roles,
            Function<Caller, Uni<? extends T>> work) {
        return auth.require(method, roles).flatMap(work).onFailure().transform(AgentGrpcService::status);
    }

    @Override
    public Uni<Assistant> createAssistant(CreateAssistantRequest request) {
        return call("CreateAssistant", BUILD, c -> assistants.create(c.workspace(), ProtoJson.body(request)))
                .map(AgentGrpcService::assistant);
    }

    @Override
    public Uni<Assistant> getAssistant(GetAssistantRequest request) {
        return call("GetAssistant", READ, c -> assistants.get(c.workspace(), request.getId()))
                .map(AgentGrpcService::assistant);
    }

    @Override
    public Uni<ListAssistantsResponse> listAssistants(ListAssistantsRequest request) {
        return call("ListAssistants", READ, c -> assistants.list(c.workspace(), request.getName(), null,
                limit(request.getLimit()), Paging.offset(request.getOffset())))
                .map(list -> ListAssistantsResponse.newBuilder()
                        .addAllAssistants(list.stream().map(AgentGrpcService::assistant).toList()).build());
    }

    @Override
    public Uni<Session> createSession(CreateSessionRequest request) {
        return call("CreateSession", RUN, c -> sessions.create(c.workspace(), ProtoJson.body(request)))
                .map(AgentGrpcService::session);
    }

    @Override
    public Uni<Session> getSession(GetSessionRequest request) {
        return call("GetSession", READ, c -> sessions.get(c.workspace(), request.getId()))
                .map(AgentGrpcService::session);
    }

    @Override
    public Uni<ListSessionsResponse> listSessions(ListSessionsRequest request) {
        return call("ListSessions", READ, c -> sessions.list(c.workspace(), blankToNull(request.getAssistantId()),
                blankToNull(request.getStatus()), null, limit(request.getLimit()),
                Paging.offset(request.getOffset())))
                .map(list -> ListSessionsResponse.newBuilder()
                        .addAllSessions(list.stream().map(AgentGrpcService::session).toList()).build());
    }

    @Override
    public Uni<Run> createRun(CreateRunRequest request) {
        String key = blankToNull(request.getIdempotencyKey());
        return call("CreateRun", RUN, c -> {
            var body = ProtoJson.body(request);
            body.remove("idempotency_key");
            return creation.create(c.workspace(), body, null, key);
        })
                .map(created -> run(created.run()));
    }

    @Override
    public Uni<Run> getRun(GetRunRequest request) {
        return call("GetRun", READ, c -> queries.get(c.workspace(), request.getId())).map(AgentGrpcService::run);
    }

    @Override
    public Uni<ListRunsResponse> listRuns(ListRunsRequest request) {
        return call("ListRuns", READ, c -> queries.list(c.workspace(), blankToNull(request.getSessionId()),
                blankToNull(request.getStatus()), blankToNull(request.getCursor()), limit(request.getLimit())))
                .map(page -> ListRunsResponse.newBuilder()
                        .addAllRuns(page.items().stream().map(AgentGrpcService::run).toList())
                        .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()).build());
    }

    @Override
    public Uni<Run> cancelRun(CancelRunRequest request) {
        return call("CancelRun", RUN, c -> controls.cancel(c.workspace(), request.getId())).map(AgentGrpcService::run);
    }

    @Override
    public Uni<Run> resumeRun(ResumeRunRequest request) {
        String key = blankToNull(request.getIdempotencyKey());
        return call("ResumeRun", RUN, c -> {
            var body = ProtoJson.body(request);
            body.remove("id");
            body.remove("idempotency_key");
            return waiting.resume(c, request.getId(), body, key);
        }).map(answered -> run(answered.run()));
    }

    @Override
    public Uni<Run> rejectRun(RejectRunRequest request) {
        return call("RejectRun", RUN, c -> {
            var body = ProtoJson.body(request);
            body.remove("id");
            return waiting.reject(c, request.getId(), body);
        }).map(AgentGrpcService::run);
    }

    @Override
    public Uni<Run> waitRun(WaitRunRequest request) {
        int timeout = request.getTimeoutSeconds() == 0 ? 60 : request.getTimeoutSeconds();
        return call("WaitRun", READ, c -> {
            if (timeout < 1 || timeout > 300) {
                throw ApiProblem.invalid("timeout_seconds must be between 1 and 300");
            }
            return queries.get(c.workspace(), request.getId())
                    .flatMap(r -> queries.awaitTerminal(c.workspace(), request.getId(), Duration.ofSeconds(timeout)));
        }).map(AgentGrpcService::run);
    }

    @Override
    public Multi<RunEvent> streamRunEvents(StreamRunEventsRequest request) {
        if (request.getAfterEventId() < 0) {
            return Multi.createFrom().failure(Status.INVALID_ARGUMENT
                    .withDescription("after_event_id must not be negative").asRuntimeException());
        }
        return call("StreamRunEvents", READ, c -> queries.get(c.workspace(), request.getRunId()))
                .onItem().transformToMulti(run -> streams.events(
                        UUID.fromString(run.get("id").asText()), request.getAfterEventId()))
                .map(e -> {
                    var b = RunEvent.newBuilder().setId(e.id()).setRunId(e.runId().toString()).setType(e.type())
                            .setSeverity(e.severity()).setCreatedAt(e.createdAt());
                    ProtoJson.fill(e.payload(), b.getDataBuilder());
                    return b.build();
                })
                .onFailure().transform(AgentGrpcService::status);
    }

    @Override
    public Uni<Run> forkRun(ForkRunRequest request) {
        return fork("ForkRun", request, request.getId(), request.getStep(), false);
    }

    @Override
    public Uni<Run> replayRun(ReplayRunRequest request) {
        return fork("ReplayRun", request, request.getId(), request.getStep(), true);
    }

    /** Fork and replay take the REST body: the message's fields without the run id, the step always present. */
    private Uni<Run> fork(String method, Message request, String id, int step, boolean replay) {
        return call(method, RUN, c -> {
            var body = ProtoJson.body(request);
            body.remove("id");
            // proto3 leaves a zero step unset: the REST rule needs it present
            body.put("step", step);
            return creation.fork(c.workspace(), id, body, replay);
        }).map(created -> run(created.run()));
    }

    @Override
    public Uni<RunGraph> getRunGraph(GetRunGraphRequest request) {
        String format = request.getFormat().isEmpty() ? "mermaid" : request.getFormat();
        return call("GetRunGraph", READ, c -> {
            if (!format.equals("mermaid") && !format.equals("dot")) {
                throw ApiProblem.invalid("format must be mermaid or dot");
            }
            return queries.graphText(c.workspace(), request.getId(), format);
        }).map(text -> RunGraph.newBuilder().setFormat(format).setText(text).build());
    }

    @Override
    public Uni<Identity> whoAmI(WhoAmIRequest request) {
        return call("WhoAmI", READ, Uni.createFrom()::item).map(c -> Identity.newBuilder()
                .setKeyId(String.valueOf(c.keyId())).setKeyPrefix(c.keyPrefix()).setRole(c.role().wireName())
                .setWorkspaceId(c.workspace()).setPlatform(c.platform()).build());
    }

    // --- schedules -------------------------------------------------------------------------------------------------

    @Override
    public Uni<Schedule> createSchedule(CreateScheduleRequest request) {
        return call("CreateSchedule", BUILD, c -> schedules.create(c.workspace(), ProtoJson.body(request)))
                .map(AgentGrpcService::schedule);
    }

    @Override
    public Uni<Schedule> getSchedule(ScheduleRequest request) {
        return call("GetSchedule", READ, c -> schedules.get(c.workspace(), request.getId()))
                .map(AgentGrpcService::schedule);
    }

    @Override
    public Uni<ListSchedulesResponse> listSchedules(ListSchedulesRequest request) {
        return call("ListSchedules", READ, c -> schedules.list(c.workspace(), blankToNull(request.getAssistantId()),
                limit(request.getLimit()), Paging.offset(request.getOffset())))
                .map(list -> ListSchedulesResponse.newBuilder()
                        .addAllSchedules(list.stream().map(AgentGrpcService::schedule).toList()).build());
    }

    @Override
    public Uni<Schedule> updateSchedule(UpdateScheduleRequest request) {
        return call("UpdateSchedule", BUILD, c -> {
            var body = ProtoJson.body(request);
            body.remove("id");
            return schedules.patch(c.workspace(), request.getId(), body);
        }).map(AgentGrpcService::schedule);
    }

    @Override
    public Uni<Schedule> pauseSchedule(ScheduleRequest request) {
        return call("PauseSchedule", RUN, c -> schedules.pause(c.workspace(), request.getId()))
                .map(AgentGrpcService::schedule);
    }

    @Override
    public Uni<Schedule> resumeSchedule(ScheduleRequest request) {
        return call("ResumeSchedule", RUN, c -> schedules.resume(c.workspace(), request.getId()))
                .map(AgentGrpcService::schedule);
    }

    @Override
    public Uni<DeleteScheduleResponse> deleteSchedule(ScheduleRequest request) {
        return call("DeleteSchedule", BUILD, c -> schedules.delete(c.workspace(), request.getId()))
                .map(x -> DeleteScheduleResponse.getDefaultInstance());
    }

    static Schedule schedule(ObjectNode json) {
        return ProtoJson.fill(json, Schedule.newBuilder()).build();
    }

    static Throwable status(Throwable t) {
        if (t instanceof StatusRuntimeException) {
            return t;
        }
        if (t instanceof InputRefused p) {
            var code = switch (p.status()) {
                case 404 -> Status.NOT_FOUND;
                case 409 -> p.type().equals("idempotency-key-reused") ? Status.ALREADY_EXISTS
                        : Status.FAILED_PRECONDITION;
                case 400, 413, 415, 422 -> Status.INVALID_ARGUMENT;
                case 403 -> Status.PERMISSION_DENIED;
                case 429 -> Status.RESOURCE_EXHAUSTED;
                case 503 -> Status.UNAVAILABLE;
                default -> Status.INTERNAL;
            };
            return code.withDescription(p.describe()).asRuntimeException();
        }
        return Status.INTERNAL.withDescription("the server could not complete the request").asRuntimeException();
    }

    /** The REST rules: 0 (unset in proto3) is the default page, anything outside 1..max is INVALID_ARGUMENT. */
    private int limit(int requested) {
        return Paging.limit(requested == 0 ? null : requested, config.maxPageSize());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public Uni<ListFlowsResponse> listFlows(ListFlowsRequest request) {
        return call("ListFlows", READ, c -> flows.list(c.workspace())).map(list -> ListFlowsResponse.newBuilder()
                .addAllFlows(list.stream().map(AgentGrpcService::flow).toList()).build());
    }

    @Override
    public Uni<Flow> getFlow(GetFlowRequest request) {
        return call("GetFlow", READ, c -> flows.get(c.workspace(), request.getName())).map(AgentGrpcService::flow);
    }

    @Override
    public Uni<Flow> createFlow(CreateFlowRequest request) {
        return call("CreateFlow", BUILD, c -> flows.create(c.workspace(), request.getSource()))
                .map(AgentGrpcService::flow);
    }

    @Override
    public Uni<Flow> updateFlow(UpdateFlowRequest request) {
        return call("UpdateFlow", BUILD, c -> flows.update(c.workspace(), request.getName(), request.getSource()))
                .map(AgentGrpcService::flow);
    }

    @Override
    public Uni<Flow> validateFlow(ValidateFlowRequest request) {
        return call("ValidateFlow", READ, c -> Uni.createFrom().item(() -> flows.validate(request.getSource())))
                .map(AgentGrpcService::flow);
    }

    @Override
    public Uni<DeleteFlowResponse> deleteFlow(DeleteFlowRequest request) {
        return call("DeleteFlow", BUILD, c -> flows.delete(c.workspace(), request.getName()))
                .map(x -> DeleteFlowResponse.getDefaultInstance());
    }

    @Override
    public Uni<ListFlowVersionsResponse> listFlowVersions(ListFlowVersionsRequest request) {
        return call("ListFlowVersions", READ, c -> flows.versions(c.workspace(), request.getName()))
                .map(list -> ListFlowVersionsResponse.newBuilder().addAllVersions(list.stream()
                        .map(v -> ProtoJson.fill(v, FlowVersion.newBuilder()).build()).toList()).build());
    }

    @Override
    public Uni<FlowSource> getFlowSource(GetFlowSourceRequest request) {
        return call("GetFlowSource", READ, c -> flows.source(c.workspace(), request.getName(), request.getVersion()))
                .map(source -> FlowSource.newBuilder().setName(request.getName()).setVersion(request.getVersion())
                        .setSource(source).build());
    }

    static Flow flow(ObjectNode json) {
        return ProtoJson.fill(json, Flow.newBuilder()).build();
    }

    static Assistant assistant(ObjectNode json) {
        return ProtoJson.fill(json, Assistant.newBuilder()).build();
    }

    static Session session(ObjectNode json) {
        return ProtoJson.fill(json, Session.newBuilder()).build();
    }

    static Run run(ObjectNode json) {
        return ProtoJson.fill(json, Run.newBuilder()).build();
    }
}
