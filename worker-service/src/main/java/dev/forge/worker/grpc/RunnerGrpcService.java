package dev.forge.worker.grpc;

import java.util.function.Supplier;

import dev.forge.core.json.ServiceVersion;
import dev.forge.proto.runner.v1.DeployRequest;
import dev.forge.proto.runner.v1.InfoRequest;
import dev.forge.proto.runner.v1.LogLine;
import dev.forge.proto.runner.v1.LogsRequest;
import dev.forge.proto.runner.v1.MutinyRunnerServiceGrpc;
import dev.forge.proto.runner.v1.RunnerInfo;
import dev.forge.proto.runner.v1.WebappRef;
import dev.forge.proto.runner.v1.WebappStatus;
import dev.forge.worker.service.WebappRunner;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The runner's gRPC API (served on the HTTP port). Every call does git, process or database work that blocks, so it
 * runs on the runner's executor, never on the event loop that received it.
 */
@GrpcService
public class RunnerGrpcService extends MutinyRunnerServiceGrpc.RunnerServiceImplBase {

    private final WebappRunner runner;

    public RunnerGrpcService(WebappRunner runner) {
        this.runner = runner;
    }

    @Override
    public Uni<RunnerInfo> info(InfoRequest request) {
        return blocking(() -> {
            if (!runner.enabled()) {
                throw new WebappRunner.RunnerException(WebappRunner.Problem.UNAVAILABLE, "not a runner");
            }
            return RunnerInfo.newBuilder().setId(runner.id().toString()).addAllCapabilities(runner.capabilities())
                    .setActiveWebapps(runner.activeWebapps()).setVersion(ServiceVersion.current()).build();
        });
    }

    @Override
    public Uni<WebappStatus> deploy(DeployRequest request) {
        return blocking(() -> status(runner.deploy(request.getSlug(),
                request.getTrigger().isBlank() ? "start" : request.getTrigger())));
    }

    @Override
    public Uni<WebappStatus> stop(WebappRef request) {
        return blocking(() -> status(runner.stop(request.getSlug())));
    }

    @Override
    public Uni<WebappStatus> remove(WebappRef request) {
        return blocking(() -> status(runner.remove(request.getSlug())));
    }

    @Override
    public Uni<WebappStatus> status(WebappRef request) {
        return blocking(() -> status(runner.status(request.getSlug())));
    }

    @Override
    public Multi<LogLine> logs(LogsRequest request) {
        int tail = request.getTail() <= 0 ? 200 : Math.min(request.getTail(), 1000);
        return Multi.createFrom().<LogLine> emitter(emitter -> {
            try {
                Runnable stop = runner.logs(request.getSlug(), tail, line -> emitter.emit(LogLine.newBuilder()
                        .setSeq(line.seq()).setAt(line.at().toString()).setStream(line.stream())
                        .setLine(line.text()).build()), request.getFollow());
                if (request.getFollow()) {
                    emitter.onTermination(stop);
                } else {
                    emitter.complete();
                }
            } catch (WebappRunner.RunnerException e) {
                emitter.fail(grpcError(e));
            }
        }).runSubscriptionOn(runner.executor());
    }

    private <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(runner.executor())
                .onFailure(WebappRunner.RunnerException.class)
                .transform(e -> grpcError((WebappRunner.RunnerException) e));
    }

    private static RuntimeException grpcError(WebappRunner.RunnerException e) {
        var status = switch (e.problem()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INVALID -> Status.INVALID_ARGUMENT;
            case PRECONDITION -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return status.withDescription(e.getMessage()).asRuntimeException();
    }

    private static WebappStatus status(WebappRunner.Status s) {
        return WebappStatus.newBuilder().setSlug(s.slug()).setState(s.state()).setPort(s.port()).setCommit(s.commit())
                .setMessage(s.message()).setRestarts(s.restarts()).setRemoteCommit(s.remoteCommit())
                .setBehind(s.behind()).build();
    }
}
