package dev.forge.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.config.McpConfig;
import dev.forge.core.json.JsonValues;
import dev.forge.core.sandbox.ChildProcesses;
import dev.forge.core.secret.SecretCipher;
import dev.forge.core.testing.ReadableClasspath;
import dev.forge.core.tool.ToolException;

/** The MCP client side against a real MCP SDK server over Streamable HTTP, SSE and stdio. */
class McpConnectorTest {

    private static final String TOKEN = "mcp-test-token-7f3a";
    private static final int STDIO_UID = 61999;
    private static TestMcpServer server;
    private static SecretCipher cipher;
    private static McpConnector connector;

    @BeforeAll
    static void start() throws Exception {
        server = TestMcpServer.http(0, TOKEN);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        cipher = cipher(Base64.getEncoder().encodeToString(key));
        connector = new McpConnector(cipher, new McpConfig() {
            @Override
            public Duration requestTimeout() {
                // a stdio server is a JVM starting: give a loaded CI machine time
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration healthInterval() {
                return Duration.ZERO;
            }

            @Override
            public boolean stdioEnabled() {
                return true;
            }

            @Override
            public int stdioUid() {
                return STDIO_UID;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        connector.closeAll();
        server.close();
    }

    private static SecretCipher cipher(String key) {
        return new SecretCipher(key, List.of());
    }

    private static McpServerRecord http(McpTransport transport, String path, String token) {
        UUID id = UUID.randomUUID();
        var record = new McpServerRecord(id, "ws", "tester", transport, "http://127.0.0.1:" + server.port() + path,
                null, List.of(), token == null ? null : "Authorization",
                token == null ? null : cipher.encrypt("Bearer " + token, "mcp:" + id), "unknown", null, null, null,
                null, JsonValues.MAPPER.createArrayNode(), OffsetDateTime.now(), OffsetDateTime.now());
        return record;
    }

    private static JsonNode args(String json) throws Exception {
        return JsonValues.MAPPER.readTree(json);
    }

    @Test
    void streamableHttpInitializesListsAndCallsToolsWithTheDecryptedAuthHeader() throws Exception {
        var record = http(McpTransport.STREAMABLE_HTTP, "/mcp", TOKEN);
        var probe = connector.probe(record).await().atMost(Duration.ofSeconds(20));
        assertThat(probe.ok()).as(probe.error()).isTrue();
        assertThat(probe.serverInfo().get("name").asText()).isEqualTo("forge-test-mcp");
        assertThat(probe.protocolVersion()).isNotBlank();
        assertThat(probe.tools().findValuesAsText("name")).containsExactlyInAnyOrder("add", "shout", "fail");
        var add = probe.tools().findValues("name").indexOf(JsonValues.MAPPER.getNodeFactory().textNode("add"));
        assertThat(probe.tools().get(add).get("input_schema").toString())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                        + "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}");

        assertThat(connector.call(record, "add", args("{\"a\": 2, \"b\": 3.5}")).await()
                .atMost(Duration.ofSeconds(20)).get("sum").asDouble()).isEqualTo(5.5);
        assertThat(connector.call(record, "shout", args("{\"text\": \"hi\"}")).await()
                .atMost(Duration.ofSeconds(20)).asText()).isEqualTo("HI");
        assertThatThrownBy(() -> connector.call(record, "fail", args("{}")).await().atMost(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ToolException.Kind.REFUSED);
                    assertThat(e.getMessage()).contains("this tool always fails");
                });
    }

    @Test
    void aWrongOrMissingTokenFailsTheProbeWithoutEchoingTheSecret() {
        var wrong = http(McpTransport.STREAMABLE_HTTP, "/mcp", "not-the-token");
        var probe = connector.probe(wrong).await().atMost(Duration.ofSeconds(20));
        assertThat(probe.ok()).isFalse();
        assertThat(probe.error()).isNotBlank().doesNotContain("not-the-token");
        assertThat(connector.probe(http(McpTransport.STREAMABLE_HTTP, "/mcp", null)).await()
                .atMost(Duration.ofSeconds(20)).ok()).isFalse();
    }

    @Test
    void anUnreachableServerSaysWhatFailed() {
        var record = new McpServerRecord(UUID.randomUUID(), "ws", "gone", McpTransport.STREAMABLE_HTTP,
                "http://127.0.0.1:9/mcp", null, List.of(), null, null, "unknown", null, null, null, null,
                JsonValues.MAPPER.createArrayNode(), OffsetDateTime.now(), OffsetDateTime.now());
        var probe = connector.probe(record).await().atMost(Duration.ofSeconds(20));
        assertThat(probe.ok()).isFalse();
        assertThat(probe.error()).contains("ConnectException");
    }

    @Test
    void legacySseTransportWorks() throws Exception {
        var record = http(McpTransport.SSE, "/sse", TOKEN);
        var probe = connector.probe(record).await().atMost(Duration.ofSeconds(20));
        assertThat(probe.ok()).as(probe.error()).isTrue();
        assertThat(probe.serverInfo().get("name").asText()).isEqualTo("forge-test-mcp-sse");
        assertThat(connector.call(record, "shout", args("{\"text\": \"over sse\"}")).await()
                .atMost(Duration.ofSeconds(20)).asText()).isEqualTo("OVER SSE");
    }

    @Test
    void stdioServerIsStartedAsAChildProcess() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        var record = new McpServerRecord(UUID.randomUUID(), "ws", "local", McpTransport.STDIO, null, java,
                List.of("-cp", ReadableClasspath.get(), TestMcpServer.class.getName()), null, null,
                "unknown", null, null, null, null, JsonValues.MAPPER.createArrayNode(), OffsetDateTime.now(),
                OffsetDateTime.now());
        var probe = connector.probe(record).await().atMost(Duration.ofSeconds(60));
        assertThat(probe.ok()).as(probe.error()).isTrue();
        assertThat(probe.serverInfo().get("name").asText()).isEqualTo("forge-test-mcp-stdio");
        assertThat(connector.call(record, "add", args("{\"a\": 40, \"b\": 2}")).await()
                .atMost(Duration.ofSeconds(60)).get("sum").asDouble()).isEqualTo(42.0);
    }

    @Test
    void aStdioServerSeesNothingOfThisServicesEnvironmentAndAsRootRunsAsAnotherUser() throws Exception {
        Path dir = Files.createTempDirectory("forge-mcp-env");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = dir.resolve("env_server.py");
        try (var in = getClass().getResourceAsStream("/mcp/env_server.py")) {
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        // a file only its owner may read, like the launcher's admin.key
        Path secret = dir.resolve("admin.key");
        Files.writeString(secret, "fk_local_not_for_children");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        var record = new McpServerRecord(UUID.randomUUID(), "ws", "envdump", McpTransport.STDIO, null, "python3",
                List.of(script.toString()), null, null, "unknown", null, null, null, null,
                JsonValues.MAPPER.createArrayNode(), OffsetDateTime.now(), OffsetDateTime.now());

        var answer = connector.call(record, "environment", args("{\"paths\": [\"" + secret + "\", \"" + script
                + "\"]}")).await().atMost(Duration.ofSeconds(30));
        JsonNode seen = answer.isTextual() ? JsonValues.MAPPER.readTree(answer.asText()) : answer;

        // PATH and the locale from the service, HOME its own; the rest is what the SDK adds (no secrets in any)
        var allowed = Set.of("PATH", "LANG", "LC_ALL", "TZ", "HOME", "LOGNAME", "USER", "SHELL", "TERM",
                "LC_CTYPE");
        var names = new TreeSet<String>();
        seen.get("env").fieldNames().forEachRemaining(names::add);
        assertThat(names).isSubsetOf(allowed);
        assertThat(System.getenv().keySet()).as("this JVM has variables a child must not see")
                .anyMatch(n -> !allowed.contains(n));
        String home = seen.at("/env/HOME").asText();
        assertThat(home).endsWith(record.id().toString()).isEqualTo(seen.get("cwd").asText());
        if (ChildProcesses.runningAsRoot()) {
            assertThat(seen.get("uid").asInt()).isEqualTo(STDIO_UID);
            assertThat(seen.at("/readable/" + secret.toString().replace("/", "~1")).asBoolean()).isFalse();
            assertThat(seen.at("/readable/" + script.toString().replace("/", "~1")).asBoolean()).isTrue();
        }
    }

    @Test
    void secretsAreBoundToTheirRowAndNeedTheKey() {
        byte[] sealed = cipher.encrypt("Bearer s3cret", "mcp:one");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
        assertThat(cipher.decrypt(sealed, "mcp:one")).isEqualTo("Bearer s3cret");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "mcp:two"))
                .isInstanceOf(SecretCipher.SecretUnavailable.class);
        var other = cipher(Base64.getEncoder().encodeToString(new byte[32]));
        assertThatThrownBy(() -> other.decrypt(sealed, "mcp:one")).isInstanceOf(SecretCipher.SecretUnavailable.class);
        assertThatThrownBy(() -> cipher(null).encrypt("x", "mcp:one"))
                .isInstanceOf(SecretCipher.SecretUnavailable.class).hasMessageContaining("FORGE_SECRET_KEY");
        assertThatThrownBy(() -> cipher("c2hvcnQ=")).hasMessageContaining("32 bytes");
    }

    @Test
    void toolNamesMapToTheModelFacingFormAndBack() {
        assertThat(McpToolNames.parse("mcp:files/read_file")).contains(new McpToolNames.Ref("files", "read_file"));
        assertThat(McpToolNames.parse("mcp:Files/x")).isEmpty();
        assertThat(McpToolNames.parse("mcp:files")).isEmpty();
        assertThat(McpToolNames.toWire("mcp:my-files/read__file")).isEqualTo("mcp__my-files__read__file");
        assertThat(McpToolNames.fromWire("mcp__my-files__read__file")).isEqualTo("mcp:my-files/read__file");
        assertThat(McpToolNames.toWire("calculator")).isEqualTo("calculator");
        assertThat(McpToolNames.fromWire("calculator")).isEqualTo("calculator");
    }
}
