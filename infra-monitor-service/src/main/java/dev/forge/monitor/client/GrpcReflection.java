package dev.forge.monitor.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;

import grpc.reflection.v1alpha.Reflection.ServerReflectionRequest;
import grpc.reflection.v1alpha.Reflection.ServerReflectionResponse;
import grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;

/**
 * A gateway's gRPC endpoints through server reflection: the services it serves and, from their file descriptors,
 * each method with its request and response types and whether it streams. One short-lived channel per listing.
 */
@ApplicationScoped
public class GrpcReflection {

    private static final Duration DEADLINE = Duration.ofSeconds(3);

    /** The services (without the reflection and health services themselves), with their methods. */
    public Uni<List<ObjectNode>> services(String host, int port) {
        return Uni.createFrom().<List<ObjectNode>>emitter(emitter -> {
            ManagedChannel channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
            var out = new ArrayList<ObjectNode>();
            var pending = new ArrayList<String>();
            var stub = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(DEADLINE.toMillis(),
                    TimeUnit.MILLISECONDS);
            var requests = new StreamObserver[1];
            requests[0] = stub.serverReflectionInfo(new StreamObserver<ServerReflectionResponse>() {
                @Override
                public void onNext(ServerReflectionResponse response) {
                    if (response.hasListServicesResponse()) {
                        response.getListServicesResponse().getServiceList().stream().map(s -> s.getName())
                                .filter(name -> !name.startsWith("grpc.reflection.")
                                        && !name.startsWith("grpc.health."))
                                .forEach(pending::add);
                        if (pending.isEmpty()) {
                            requests[0].onCompleted();
                        }
                        pending.forEach(name -> send(requests[0], ServerReflectionRequest.newBuilder()
                                .setFileContainingSymbol(name).build()));
                    } else if (response.hasFileDescriptorResponse()) {
                        String asked = response.getOriginalRequest().getFileContainingSymbol();
                        out.add(describe(asked, response));
                        pending.remove(asked);
                        if (pending.isEmpty()) {
                            requests[0].onCompleted();
                        }
                    } else if (response.hasErrorResponse()) {
                        pending.remove(response.getOriginalRequest().getFileContainingSymbol());
                        if (pending.isEmpty()) {
                            requests[0].onCompleted();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    channel.shutdownNow();
                    emitter.fail(t);
                }

                @Override
                public void onCompleted() {
                    channel.shutdown();
                    emitter.complete(out);
                }
            });
            send(requests[0], ServerReflectionRequest.newBuilder().setListServices("*").build());
        });
    }

    @SuppressWarnings("unchecked")
    private static void send(StreamObserver<?> requests, ServerReflectionRequest request) {
        ((StreamObserver<ServerReflectionRequest>) requests).onNext(request);
    }

    private static ObjectNode describe(String service, ServerReflectionResponse response) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("service", service);
        var methods = node.putArray("methods");
        for (var bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            try {
                var file = FileDescriptorProto.parseFrom(bytes);
                String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
                file.getServiceList().stream().filter(s -> (prefix + s.getName()).equals(service))
                        .flatMap(s -> s.getMethodList().stream())
                        .forEach(m -> methods.addObject().put("name", m.getName())
                                .put("request", strip(m.getInputType())).put("response", strip(m.getOutputType()))
                                .put("client_streaming", m.getClientStreaming())
                                .put("server_streaming", m.getServerStreaming()));
            } catch (InvalidProtocolBufferException e) {
                node.put("error", "unreadable descriptor");
            }
        }
        return node;
    }

    private static String strip(String type) {
        return type.startsWith(".") ? type.substring(1) : type;
    }
}
