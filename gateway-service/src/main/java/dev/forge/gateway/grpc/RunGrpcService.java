package dev.forge.gateway.grpc;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.core.auth.Role;
import dev.forge.gateway.service.ApiProblem;
import dev.forge.gateway.service.RunService;
import dev.forge.proto.run.v1.CreateRunRequest;
import dev.forge.proto.run.v1.GetRunRequest;
import dev.forge.proto.run.v1.Run;
import dev.forge.proto.run.v1.RunStatus;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** forge.run.v1.RunService on :52000, sharing the REST API's validation and transaction. */
@GrpcService
public class RunGrpcService implements dev.forge.proto.run.v1.RunService {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RunService runs;
    private final GrpcAuth auth;

    public RunGrpcService(RunService runs, GrpcAuth auth) {
        this.runs = runs;
        this.auth = auth;
    }

    @Override
    public Uni<Run> createRun(CreateRunRequest request) {
        var body = NODES.objectNode();
        if (!request.getAssistantId().isEmpty()) {
            body.put("assistant_id", request.getAssistantId());
        }
        if (!request.getSessionId().isEmpty()) {
            body.put("session_id", request.getSessionId());
        }
        body.set("input", request.hasInput() ? toJson(request.getInput()) : NODES.objectNode());
        if (request.hasOverrides()) {
            var o = request.getOverrides();
            var overrides = body.putObject("overrides");
            if (!o.getModel().isEmpty()) {
                overrides.put("model", o.getModel());
            }
            if (o.getToolsCount() > 0) {
                var tools = overrides.putObject("tools");
                o.getToolsMap().forEach((exec, list) -> {
                    var arr = tools.putArray(exec);
                    list.getToolsList().forEach(arr::add);
                });
            }
            if (o.hasParameters()) {
                overrides.set("parameters", toJson(o.getParameters()));
            }
        }
        return auth.require("CreateRun", Role.ADMIN, Role.OPERATOR, Role.DEVELOPER)
                .flatMap(caller -> runs.create(caller.workspace(), body, null))
                .map(RunGrpcService::toProto)
                .onFailure().transform(RunGrpcService::status);
    }

    @Override
    public Uni<Run> getRun(GetRunRequest request) {
        return auth.require("GetRun", Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER)
                .flatMap(caller -> runs.get(caller.workspace(), request.getRunId()))
                .map(RunGrpcService::toProto)
                .onFailure().transform(RunGrpcService::status);
    }

    static Throwable status(Throwable t) {
        if (t instanceof io.grpc.StatusRuntimeException) {
            return t;
        }
        if (t instanceof ApiProblem p) {
            var code = switch (p.status()) {
                case 404 -> Status.NOT_FOUND;
                case 409 -> Status.ALREADY_EXISTS;
                case 400, 413, 422 -> Status.INVALID_ARGUMENT;
                default -> Status.INTERNAL;
            };
            var detail = p.errors().size() > 1 ? p.getMessage() + ": " + String.join("; ", p.errors())
                    : p.getMessage();
            return code.withDescription(detail).asRuntimeException();
        }
        return Status.INTERNAL.withDescription("the server could not complete the request").asRuntimeException();
    }

    static Run toProto(ObjectNode run) {
        var b = Run.newBuilder()
                .setId(run.get("id").asText())
                .setSessionId(run.get("session_id").asText())
                .setAssistantId(run.get("assistant_id").asText())
                .setStatus(RunStatus.valueOf("RUN_STATUS_" + run.get("status").asText().toUpperCase()))
                .setFlowName(run.get("flow").get("name").asText())
                .setFlowVersion(run.get("flow").get("version").asText())
                .setAttempt(run.get("attempt").asInt())
                .setStepIndex(run.get("step_index").asInt())
                .setCreatedAt(run.get("created_at").asText());
        if (run.hasNonNull("current_step")) {
            b.setCurrentStep(run.get("current_step").asText());
        }
        if (run.get("input").isObject()) {
            b.setInput(toStruct(run.get("input")));
        }
        if (run.hasNonNull("output")) {
            b.setOutputJson(run.get("output").toString());
        }
        if (run.hasNonNull("error")) {
            b.setErrorJson(run.get("error").toString());
        }
        if (run.hasNonNull("started_at")) {
            b.setStartedAt(run.get("started_at").asText());
        }
        if (run.hasNonNull("finished_at")) {
            b.setFinishedAt(run.get("finished_at").asText());
        }
        return b.build();
    }

    static JsonNode toJson(Struct struct) {
        var node = NODES.objectNode();
        struct.getFieldsMap().forEach((k, v) -> node.set(k, toJson(v)));
        return node;
    }

    static JsonNode toJson(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> NODES.nullNode();
            case NUMBER_VALUE -> v.getNumberValue() == Math.rint(v.getNumberValue())
                    && Math.abs(v.getNumberValue()) < 1e15 ? NODES.numberNode((long) v.getNumberValue())
                            : NODES.numberNode(v.getNumberValue());
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case STRUCT_VALUE -> toJson(v.getStructValue());
            case LIST_VALUE -> {
                var arr = NODES.arrayNode();
                v.getListValue().getValuesList().forEach(x -> arr.add(toJson(x)));
                yield arr;
            }
        };
    }

    static Struct toStruct(JsonNode node) {
        var b = Struct.newBuilder();
        node.fields().forEachRemaining((Map.Entry<String, JsonNode> e) -> b.putFields(e.getKey(), toValue(e.getValue())));
        return b.build();
    }

    static Value toValue(JsonNode n) {
        if (n == null || n.isNull()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (n.isObject()) {
            return Value.newBuilder().setStructValue(toStruct(n)).build();
        }
        if (n.isArray()) {
            var list = ListValue.newBuilder();
            n.forEach(x -> list.addValues(toValue(x)));
            return Value.newBuilder().setListValue(list).build();
        }
        if (n.isNumber()) {
            return Value.newBuilder().setNumberValue(n.asDouble()).build();
        }
        if (n.isBoolean()) {
            return Value.newBuilder().setBoolValue(n.asBoolean()).build();
        }
        return Value.newBuilder().setStringValue(n.asText()).build();
    }
}
