package dev.forge.cli;

import java.io.PrintWriter;
import java.util.Map;

import dev.forge.cli.command.AssistantsCommand;
import dev.forge.cli.command.CapacityCommand;
import dev.forge.cli.command.CompletionCommand;
import dev.forge.cli.command.FlowsCommand;
import dev.forge.cli.command.LoginCommand;
import dev.forge.cli.command.LogsCommand;
import dev.forge.cli.command.RunsCommand;
import dev.forge.cli.command.SessionsCommand;
import dev.forge.cli.command.WebappsCommand;
import dev.forge.cli.command.WhoAmICommand;
import dev.forge.cli.output.OutputFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code forge}: the root command. Its options are inherited by every subcommand; {@link #main} maps every failure to
 * one line on stderr and an exit code from {@link ExitCodes}.
 */
@Command(name = "forge", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Forge.Version.class, usageHelpAutoWidth = true,
        description = "Runs, flows and operations of a Forge agent server, from a terminal or a script.",
        subcommands = { LoginCommand.class, WhoAmICommand.class, FlowsCommand.class, AssistantsCommand.class,
                SessionsCommand.class, RunsCommand.class, LogsCommand.class, CapacityCommand.class,
                WebappsCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class },
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = { "0:done",
                "1:the run failed, or the server refused the request (invalid input, a conflict)",
                "2:wrong usage: an unknown option, a missing argument, an unreadable file",
                "3:no valid API key, or its role may not do this", "4:not found",
                "5:the server cannot be reached or is unavailable" },
        footerHeading = "%nSettings:%n", footer = {
                "  'forge login' stores the gateway's address and your key in",
                "  ~/.config/forge/config (mode 0600). FORGE_URL (the gateway's gRPC address),",
                "  FORGE_REST_URL, FORGE_MONITOR_URL and FORGE_API_KEY override it.",
                "  NO_COLOR (any value) turns colours off, like --no-color." })
public final class Forge implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = { "-o", "--output" }, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (default), json or yaml; json and yaml use the REST API's field names")
    OutputFormat output = OutputFormat.table;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colours (also: NO_COLOR set)")
    boolean noColor;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the whole error with its stack trace")
    boolean verbose;

    private Session session;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every command works with, made once per invocation. */
    public Session session() {
        if (session == null) {
            session = new Session(System.getenv(), output, ansi(System.getenv()), spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
        return session;
    }

    Ansi ansi(Map<String, String> env) {
        return noColor || env.containsKey("NO_COLOR") ? Ansi.OFF : Ansi.AUTO;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        var forge = new Forge();
        var cli = new CommandLine(forge).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((failure, line, parsed) -> report(forge, line.getErr(), failure));
        cli.setParameterExceptionHandler((failure, args1) -> {
            var err = failure.getCommandLine().getErr();
            err.println("forge: " + failure.getMessage());
            err.println("Try '" + failure.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return ExitCodes.USAGE;
        });
        int code = cli.execute(args);
        if (forge.session != null) {
            forge.session.close();
        }
        return code;
    }

    private static int report(Forge forge, PrintWriter err, Exception failure) {
        int code = failure instanceof CliException c ? c.exitCode() : ExitCodes.FAILED;
        if (forge.verbose) {
            failure.printStackTrace(err);
        } else {
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            err.println("forge: " + message.lines().findFirst().orElse(""));
        }
        err.flush();
        return code;
    }

    /** The version from the jar's manifest (the build's project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Forge.class.getPackage().getImplementationVersion();
            return new String[] { "forge " + (version == null ? "development build" : version) };
        }
    }
}
