package dev.forge.skill.grpc;

import dev.forge.proto.skill.v1.GetSkillRequest;
import dev.forge.proto.skill.v1.ListSkillsRequest;
import dev.forge.proto.skill.v1.ListSkillsResponse;
import dev.forge.proto.skill.v1.Parameter;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.ResolveResponse;
import dev.forge.proto.skill.v1.SkillChange;
import dev.forge.proto.skill.v1.SkillProblem;
import dev.forge.proto.skill.v1.SkillService;
import dev.forge.proto.skill.v1.WatchSkillsRequest;
import dev.forge.skill.Skill;
import dev.forge.skill.SkillException;
import dev.forge.skill.service.SkillRegistry;
import dev.forge.skill.service.SkillRouter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code forge.skill.v1.SkillService}: the registry and router over gRPC, errors as proper status codes. */
@GrpcService
public class SkillGrpcService implements SkillService {

    private final SkillRegistry registry;
    private final SkillRouter router;

    public SkillGrpcService(SkillRegistry registry, SkillRouter router) {
        this.registry = registry;
        this.router = router;
    }

    @Override
    public Uni<ListSkillsResponse> listSkills(ListSkillsRequest request) {
        var index = registry.index();
        var out = ListSkillsResponse.newBuilder();
        index.skills().values().forEach(s -> out.addSkills(message(s)));
        index.problems().forEach(p -> out.addProblems(SkillProblem.newBuilder().setPath(p.path()).setLine(p.line())
                .setKind(p.kind()).setMessage(p.message())));
        return Uni.createFrom().item(out.build());
    }

    @Override
    public Uni<dev.forge.proto.skill.v1.Skill> getSkill(GetSkillRequest request) {
        return Uni.createFrom().item(() -> {
            try {
                return message(registry.lookup(request.getName(), request.getVersion()));
            } catch (SkillException e) {
                throw status(e);
            }
        });
    }

    @Override
    public Uni<ResolveResponse> resolve(ResolveRequest request) {
        return Uni.createFrom().item(() -> {
            try {
                return router.resolve(request.getInput()).map(r -> ResolveResponse.newBuilder().setMatched(true)
                        .setCommand(r.command()).setSkill(message(r.skill())).putAllParameters(r.parameters())
                        .addAllTools(r.tools()).setText(r.text()).build())
                        .orElseGet(() -> ResolveResponse.newBuilder().setMatched(false).build());
            } catch (SkillException e) {
                throw status(e);
            }
        });
    }

    @Override
    public Multi<SkillChange> watchSkills(WatchSkillsRequest request) {
        return registry.changes().map(c -> {
            var out = SkillChange.newBuilder().setKind(c.kind().label()).setName(c.skill().name())
                    .setSkill(message(c.skill()));
            if (c.previousVersion() != null) {
                out.setPreviousVersion(c.previousVersion());
            }
            return out.build();
        });
    }

    /** NOT_FOUND, INVALID_ARGUMENT or FAILED_PRECONDITION (switched off), every error in the description. */
    private static StatusRuntimeException status(SkillException e) {
        var status = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INVALID -> Status.INVALID_ARGUMENT;
            case DISABLED -> Status.FAILED_PRECONDITION;
        };
        String detail = e.errors().size() > 1 ? e.getMessage() + ": " + String.join("; ", e.errors())
                : e.getMessage();
        return status.withDescription(detail).asRuntimeException();
    }

    static dev.forge.proto.skill.v1.Skill message(Skill s) {
        var out = dev.forge.proto.skill.v1.Skill.newBuilder().setName(s.name()).setTitle(s.title())
                .setDescription(s.description()).addAllTriggers(s.triggers()).addAllTools(s.tools())
                .setSource(s.source().label()).setVersion(s.version()).setPath(s.path()).putAllMetadata(s.metadata())
                .setLoadedAt(s.loadedAt().toString());
        for (var p : s.parameters()) {
            var param = Parameter.newBuilder().setName(p.name()).setDescription(p.description());
            p.defaultValue().ifPresent(param::setDefaultValue);
            out.addParameters(param);
        }
        return out.build();
    }
}
