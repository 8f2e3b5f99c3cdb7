package dev.forge.monitor.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.api.service.ApiProblem;
import dev.forge.proto.runner.v1.DeployRequest;
import dev.forge.proto.runner.v1.LogLine;
import dev.forge.proto.runner.v1.LogsRequest;
import dev.forge.proto.runner.v1.MutinyRunnerServiceGrpc;
import dev.forge.proto.runner.v1.WebappRef;
import dev.forge.proto.runner.v1.WebappStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Calls runners over gRPC (RunnerService), one channel per runner address. A runner's refusal becomes the problem
 * the REST caller sees: INVALID_ARGUMENT and FAILED_PRECONDITION 422, NOT_FOUND 404, an unreachable runner 503.
 */
@ApplicationScoped
public class RunnerClient {

    /** Deploys wait for a clone and for the app to be ready. */
    private static final Duration DEPLOY_DEADLINE = Duration.ofSeconds(120);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    private ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> {
            int colon = a.lastIndexOf(':');
            return ManagedChannelBuilder.forAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)))
                    .usePlaintext().build();
        });
    }

    private MutinyRunnerServiceGrpc.MutinyRunnerServiceStub stub(String address, Duration deadline) {
        return MutinyRunnerServiceGrpc.newMutinyStub(channel(address)).withDeadlineAfter(deadline.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Uni<WebappStatus> deploy(String address, String slug, String trigger) {
        return stub(address, DEPLOY_DEADLINE).deploy(DeployRequest.newBuilder().setSlug(slug).setTrigger(trigger)
                .build()).onFailure().transform(RunnerClient::problem);
    }

    public Uni<WebappStatus> stop(String address, String slug) {
        return stub(address, CALL_DEADLINE).stop(ref(slug)).onFailure().transform(RunnerClient::problem);
    }

    public Uni<WebappStatus> remove(String address, String slug) {
        return stub(address, CALL_DEADLINE).remove(ref(slug)).onFailure().transform(RunnerClient::problem);
    }

    public Uni<WebappStatus> status(String address, String slug) {
        return stub(address, CALL_DEADLINE).status(ref(slug)).onFailure().transform(RunnerClient::problem);
    }

    /** Recent lines, then every new one; no deadline (a stream lasts while its listener does). */
    public Multi<LogLine> logs(String address, String slug, int tail, boolean follow) {
        return MutinyRunnerServiceGrpc.newMutinyStub(channel(address)).logs(LogsRequest.newBuilder().setSlug(slug).setTail(tail).setFollow(follow).build())
                .onFailure().transform(RunnerClient::problem);
    }

    private static WebappRef ref(String slug) {
        return WebappRef.newBuilder().setSlug(slug).build();
    }

    private static Throwable problem(Throwable e) {
        if (!(e instanceof StatusRuntimeException s)) {
            return e;
        }
        String detail = s.getStatus().getDescription() == null ? s.getStatus().getCode().name()
                : s.getStatus().getDescription();
        return switch (s.getStatus().getCode()) {
            case INVALID_ARGUMENT -> new ApiProblem(422, "webapp-refused", "Webapp refused", detail, null);
            case FAILED_PRECONDITION -> new ApiProblem(422, "runner-cannot-host", "Runner cannot host it", detail,
                    null);
            case NOT_FOUND -> new ApiProblem(404, "not-found", "Not found", detail, null);
            default -> new ApiProblem(503, "runner-unavailable", "Runner unavailable", "runner call failed: "
                    + s.getStatus().getCode() + (s.getStatus().getDescription() == null ? ""
                            : " (" + s.getStatus().getDescription() + ")"), null);
        };
    }

    @PreDestroy
    void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
