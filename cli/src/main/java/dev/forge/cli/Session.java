package dev.forge.cli;

import java.io.PrintWriter;
import java.util.Map;

import dev.forge.cli.client.Gateway;
import dev.forge.cli.client.Rest;
import dev.forge.cli.config.Settings;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import picocli.CommandLine.Help.Ansi;

/**
 * One invocation's settings, output and connections, each made when a command first needs it: {@code forge --help}
 * loads no gRPC class and opens no connection.
 */
public final class Session implements AutoCloseable {

    private final Map<String, String> env;
    private final Printer printer;
    private final PrintWriter err;
    private Settings settings;
    private Gateway gateway;

    Session(Map<String, String> env, OutputFormat format, Ansi ansi, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.printer = new Printer(out, format, ansi);
        this.err = err;
    }

    public Map<String, String> env() {
        return env;
    }

    public Settings settings() {
        if (settings == null) {
            settings = Settings.load(env);
        }
        return settings;
    }

    public Printer printer() {
        return printer;
    }

    public PrintWriter err() {
        return err;
    }

    public Ansi ansi() {
        return printer.ansi();
    }

    public Gateway gateway() {
        if (gateway == null) {
            gateway = Gateway.connect(settings().url(), settings().requireKey());
        }
        return gateway;
    }

    /** infra-monitor-service's REST API. */
    public Rest monitor() {
        return new Rest("infra-monitor", settings().monitorUrl(), settings().requireKey());
    }

    /** The gateway's REST API, for what has no gRPC method (artifact uploads). */
    public Rest gatewayRest() {
        return new Rest("the gateway", settings().restUrl(), settings().requireKey());
    }

    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
    }
}
