package dev.forge.gateway;

import dev.forge.proto.agent.v1.AgentService;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClientUtils;

/** gRPC calls as the tests make them: with a key in the metadata, and the status code a call ends with. */
public final class GrpcCalls {

    private GrpcCalls() {
    }

    /** The client sending {@code authorization: Bearer <key>} with every call. */
    public static AgentService withKey(AgentService client, String key) {
        var headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return GrpcClientUtils.attachHeaders(client, headers);
    }

    /** OK, or the status code the call failed with. */
    public static Status.Code code(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        return Status.Code.OK;
    }
}
