package dev.forge.core.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.forge.core.sandbox.ChildProcesses;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;

/**
 * The SDK's stdio transport with the server's process cut off from this service: the SDK starts it from
 * {@code new ProcessBuilder()}, which inherits the whole environment (the database password, {@code FORGE_SECRET_KEY},
 * provider keys), and only adds its parameters' variables. Here the builder starts empty, the parameters carry the
 * {@link ChildProcesses} allowlist with a home of the server's own, and as root the command runs as
 * {@code forge.mcp.stdio-uid}.
 */
final class IsolatedStdioTransport extends StdioClientTransport {

    private final Path home;

    private IsolatedStdioTransport(ServerParameters params, McpJsonMapper mapper, Path home) {
        super(params, mapper);
        this.home = home;
    }

    static IsolatedStdioTransport of(McpServerRecord server, int uid, McpJsonMapper mapper) {
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "forge-mcp", server.id().toString());
        boolean root = ChildProcesses.runningAsRoot();
        var command = new ArrayList<String>();
        command.add(server.command());
        command.addAll(server.args());
        try {
            Files.createDirectories(home);
            if (root) {
                if (!ChildProcesses.canChangeUser()) {
                    throw new IllegalStateException("stdio MCP servers need setpriv (util-linux) when this service "
                            + "runs as root, to run them as an unprivileged user");
                }
                // the user reaches its own home through the shared parent (a umask of 077 would close it)
                ChildProcesses.traversableOnly(home.getParent());
                ChildProcesses.giveTo(home, uid);
                command = new ArrayList<>(ChildProcesses.asUser(uid, command));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the home of MCP server " + server.name(), e);
        }
        var params = ServerParameters.builder(command.get(0)).args(List.copyOf(command.subList(1, command.size())))
                .env(ChildProcesses.baseEnvironment(home, root)).build();
        return new IsolatedStdioTransport(params, mapper, home);
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
        var builder = new ProcessBuilder().directory(home.toFile());
        builder.environment().clear();
        return builder;
    }
}
