package dev.forge.cli.client;

import java.net.URI;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.proto.agent.v1.AgentServiceGrpc;
import dev.forge.proto.agent.v1.AgentServiceGrpc.AgentServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;

/**
 * The gateway's gRPC API ({@code forge.agent.v1.AgentService}) with the caller's key on every call, its failures turned
 * into one-line {@link CliException}s with the exit code their status means.
 */
public final class Gateway implements AutoCloseable {

    /** Unary calls; waits and streams set their own. */
    private static final long DEADLINE_SECONDS = 30;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final String target;
    private final ManagedChannel channel;
    private final AgentServiceBlockingStub stub;

    private Gateway(String target, ManagedChannel channel, AgentServiceBlockingStub stub) {
        this.target = target;
        this.channel = channel;
        this.stub = stub;
    }

    /** {@code url}: http://host:port (plain), https://host:port (TLS) or host:port. */
    public static Gateway connect(String url, String key) {
        var address = address(url);
        var builder = ManagedChannelBuilder.forAddress(address.getHost(), address.getPort());
        if ("https".equals(address.getScheme())) {
            builder.useTransportSecurity();
        } else {
            builder.usePlaintext();
        }
        var headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + key);
        var channel = builder.build();
        var stub = AgentServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        return new Gateway(address.getHost() + ":" + address.getPort(), channel, stub);
    }

    /** Checks a gateway URL; exit 2 when it is not one. */
    public static URI address(String url) {
        try {
            var uri = URI.create(url.contains("://") ? url : "http://" + url);
            if (uri.getHost() == null || uri.getPort() < 0
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("host and port are required");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "the gateway URL '" + url
                    + "' is not http(s)://host:port (" + e.getMessage() + ")");
        }
    }

    /** A unary call with the usual deadline. */
    public <T> T call(Function<AgentServiceBlockingStub, T> call) {
        return call(DEADLINE_SECONDS, call);
    }

    public <T> T call(long deadlineSeconds, Function<AgentServiceBlockingStub, T> call) {
        try {
            return call.apply(stub.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** A server stream without a deadline; iterate it through {@link #next}. */
    public <T> Iterator<T> stream(Function<AgentServiceBlockingStub, Iterator<T>> call) {
        try {
            return call.apply(stub);
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public CliException failure(StatusRuntimeException e) {
        var status = e.getStatus();
        String detail = status.getDescription() == null ? status.getCode().name().toLowerCase().replace('_', ' ')
                : status.getDescription();
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> new CliException(ExitCodes.AUTH, "not authenticated: " + detail, e);
            case PERMISSION_DENIED -> new CliException(ExitCodes.AUTH, "not allowed: " + detail, e);
            case NOT_FOUND -> new CliException(ExitCodes.NOT_FOUND, "not found: " + detail, e);
            case UNAVAILABLE -> new CliException(ExitCodes.UNAVAILABLE, "cannot reach the gateway at " + target
                    + ": " + cause(e), e);
            case DEADLINE_EXCEEDED -> new CliException(ExitCodes.UNAVAILABLE, "the gateway at " + target
                    + " did not answer in time", e);
            case INVALID_ARGUMENT -> new CliException(ExitCodes.FAILED, "invalid: " + detail, e);
            case FAILED_PRECONDITION -> new CliException(ExitCodes.FAILED, "refused: " + detail, e);
            case ALREADY_EXISTS -> new CliException(ExitCodes.FAILED, "conflict: " + detail, e);
            case RESOURCE_EXHAUSTED -> new CliException(ExitCodes.FAILED, "over a limit: " + detail, e);
            default -> new CliException(ExitCodes.FAILED, "the gateway failed: " + detail, e);
        };
    }

    /** Whether a broken stream is worth reopening (the connection dropped, the gateway restarted). */
    public static boolean transientFailure(StatusRuntimeException e) {
        var code = e.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN
                || code == Status.Code.CANCELLED;
    }

    private static String cause(StatusRuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        var message = t == e ? e.getStatus().getDescription() : t.getMessage();
        return message == null ? "unavailable" : message;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
