package dev.forge.skill.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forge.proto.skill.v1.GetSkillRequest;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.SkillService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Hostile input against skill-service's REST and gRPC API, by the rules every Forge API shares (forge-input): never a
 * 5xx or INTERNAL, problem+json with a detail, the status the rules give.
 */
@QuarkusTest
class HostileInputTest {

    @GrpcClient("skills")
    SkillService grpc;

    private record Body(String label, byte[] bytes, int expected) {
    }

    private static Body body(String label, String text, int expected) {
        return new Body(label, text.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static void refused(Response response, int expected, String what) {
        assertThat(response.statusCode()).as("%s -> %s", what, response.asString()).isBetween(400, 499);
        if (expected != 0) {
            assertThat(response.statusCode()).as("%s -> %s", what, response.asString()).isEqualTo(expected);
        }
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("detail")).as(what).isNotBlank();
    }

    @Test
    void hostileResolveBodiesAreRefusedByTheSharedRules() {
        var bodies = new ArrayList<>(List.of(
                body("NUL", "{\"input\": \"/extract-tables \\u0000\"}", 422),
                body("NUL in a key", "{\"input\": \"/x\", \"k\\u0000\": 1}", 422),
                body("lone surrogate", "{\"input\": \"/x \\ud800\"}", 400),
                body("trailing data", "{\"input\": \"/x\"} xyz", 400),
                body("two documents", "{\"input\": \"/x\"}{}", 400),
                body("duplicate keys", "{\"input\": \"/a\", \"input\": \"/b\"}", 400),
                body("number out of range", "{\"input\": \"/x\", \"n\": 1e999999}", 422),
                body("deep", "{\"input\": " + "[".repeat(500) + "]".repeat(500) + "}", 400),
                body("truncated", "{\"input\": \"/x", 400),
                body("empty", "", 422),
                body("wrong type", "{\"input\": 5}", 422),
                body("not an object", "[1, 2]", 422)));
        bodies.add(new Body("overlong UTF-8", new byte[] { '{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '"',
            (byte) 0xC0, (byte) 0xAF, '"', '}' }, 400));
        bodies.add(new Body("invalid UTF-8", new byte[] { '{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '"',
            (byte) 0xFF, '"', '}' }, 400));
        for (var b : bodies) {
            refused(given().contentType("application/json").body(b.bytes()).post("/v1/skills/resolve"), b.expected(),
                    b.label());
        }
    }

    @Test
    void hostilePathsAndQueriesAreNeverAServerError() {
        for (String path : List.of("/v1/skills/%00", "/v1/skills/extract-tables?version=%00",
                "/v1/skills/" + "x".repeat(3000), "/v1/skills/..%2F..%2Fetc%2Fpasswd", "/v1/skills/%C0%AF",
                "/v1/skills?x=%00")) {
            var response = given().urlEncodingEnabled(false).get(path);
            refused(response, 0, path.substring(0, Math.min(60, path.length())));
        }
    }

    @Test
    void grpcRefusesWhatRestRefuses() {
        var calls = new ArrayList<Object[]>();
        calls.add(new Object[] { "Resolve NUL", (Runnable) () -> grpc.resolve(ResolveRequest.newBuilder()
                .setInput("/extract-tables \u0000").build()).await().atMost(Duration.ofSeconds(10)) });
        calls.add(new Object[] { "GetSkill NUL", (Runnable) () -> grpc.getSkill(GetSkillRequest.newBuilder()
                .setName("extract\u0000tables").build()).await().atMost(Duration.ofSeconds(10)) });
        calls.add(new Object[] { "Resolve 100 kB", (Runnable) () -> grpc.resolve(ResolveRequest.newBuilder()
                .setInput("/x " + "y".repeat(100_000)).build()).await().atMost(Duration.ofSeconds(10)) });
        for (Object[] call : calls) {
            Status.Code code;
            try {
                ((Runnable) call[1]).run();
                code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
            }
            assertThat(code).as((String) call[0]).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
        }
    }
}
