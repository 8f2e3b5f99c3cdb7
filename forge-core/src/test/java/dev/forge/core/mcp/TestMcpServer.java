package dev.forge.core.mcp;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * A real MCP server built with the MCP Java SDK, for tests: tools {@code add} (structured result), {@code shout}
 * (text) and {@code fail} (an error result). Over HTTP it serves Streamable HTTP at {@code /mcp} and the legacy SSE
 * transport at {@code /sse} (+ {@code /message}), optionally requiring a bearer token; {@link #main} serves stdio.
 */
public final class TestMcpServer implements AutoCloseable {

    private final Server jetty;
    private final List<McpSyncServer> servers;

    private TestMcpServer(Server jetty, List<McpSyncServer> servers) {
        this.jetty = jetty;
        this.servers = servers;
    }

    /** Starts on {@code port} (0: any free one); when {@code token} is set, requests must carry it as a bearer. */
    public static TestMcpServer http(int port, String token) throws Exception {
        var mapper = McpJsonDefaults.getMapper();
        var streamable = HttpServletStreamableServerTransportProvider.builder().jsonMapper(mapper)
                .mcpEndpoint("/mcp").build();
        var sse = HttpServletSseServerTransportProvider.builder().jsonMapper(mapper).sseEndpoint("/sse")
                .messageEndpoint("/message").build();
        var servers = List.of(withTools(McpServer.sync(streamable).serverInfo("forge-test-mcp", "1.0.0")).build(),
                withTools(McpServer.sync(sse).serverInfo("forge-test-mcp-sse", "1.0.0")).build());

        var jetty = new Server();
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        var context = new ServletContextHandler();
        context.setContextPath("/");
        var streamableHolder = new ServletHolder(streamable);
        streamableHolder.setAsyncSupported(true);
        context.addServlet(streamableHolder, "/mcp");
        var sseHolder = new ServletHolder(sse);
        sseHolder.setAsyncSupported(true);
        context.addServlet(sseHolder, "/sse");
        context.addServlet(sseHolder, "/message");
        if (token != null) {
            var filter = new FilterHolder(new BearerFilter(token));
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        jetty.setHandler(context);
        jetty.start();
        return new TestMcpServer(jetty, servers);
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The stdio server: JSON-RPC on stdin/stdout until stdin closes. */
    public static void main(String[] args) throws InterruptedException {
        var server = withTools(McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                .serverInfo("forge-test-mcp-stdio", "1.0.0")).build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }

    private static <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> withTools(
            McpServer.SyncSpecification<S> spec) {
        var mapper = McpJsonDefaults.getMapper();
        var add = SyncToolSpecification.builder().tool(McpSchema.Tool.builder().name("add")
                .description("Adds two numbers").inputSchema(mapper, """
                        {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                         "required": ["a", "b"]}""").build())
                .callHandler((exchange, request) -> {
                    double sum = ((Number) request.arguments().get("a")).doubleValue()
                            + ((Number) request.arguments().get("b")).doubleValue();
                    return McpSchema.CallToolResult.builder().structuredContent(Map.of("sum", sum))
                            .addTextContent("{\"sum\": " + sum + "}").build();
                }).build();
        var shout = SyncToolSpecification.builder().tool(McpSchema.Tool.builder().name("shout")
                .description("Upper-cases a text").inputSchema(mapper, """
                        {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}""")
                .build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(request.arguments().get("text")).toUpperCase()).build())
                .build();
        var fail = SyncToolSpecification.builder().tool(McpSchema.Tool.builder().name("fail")
                .description("Always answers an error").inputSchema(mapper, "{\"type\": \"object\"}").build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .addTextContent("this tool always fails").isError(true).build())
                .build();
        return spec.tools(add, shout, fail);
    }

    @Override
    public void close() throws Exception {
        servers.forEach(McpSyncServer::close);
        jetty.stop();
    }

    /** Refuses requests without the expected bearer token, as a protected MCP server does. */
    private record BearerFilter(String token) implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (!("Bearer " + token).equals(((HttpServletRequest) request).getHeader("Authorization"))) {
                ((HttpServletResponse) response).sendError(401);
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
