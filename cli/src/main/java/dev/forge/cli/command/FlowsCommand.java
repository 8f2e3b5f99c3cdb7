package dev.forge.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.output.Column;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.CreateFlowRequest;
import dev.forge.proto.agent.v1.GetFlowRequest;
import dev.forge.proto.agent.v1.GetFlowSourceRequest;
import dev.forge.proto.agent.v1.ListFlowsRequest;
import dev.forge.proto.agent.v1.UpdateFlowRequest;
import dev.forge.proto.agent.v1.ValidateFlowRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "flows", description = "The flows assistants run: the system's and your workspace's",
        subcommands = { FlowsCommand.ListFlows.class, FlowsCommand.Show.class, FlowsCommand.Validate.class,
                FlowsCommand.Push.class })
public final class FlowsCommand {

    static final List<Column> COLUMNS = List.of(Column.of("NAME", "name"),
            Column.of("ORIGIN", "origin"), Column.of("VERSION", "version_number"),
            new Column("EXECUTORS", f -> String.valueOf(f.path("executors").size())),
            Column.of("DESCRIPTION", "description"));

    @Command(name = "list", description = "Every flow you can run")
    static final class ListFlows extends Base implements Runnable {
        @Override
        public void run() {
            var session = session();
            var flows = session.gateway().call(s -> s.listFlows(ListFlowsRequest.getDefaultInstance()));
            session.printer().list(Messages.list(flows.getFlowsList()), COLUMNS);
        }
    }

    @Command(name = "show", description = "A flow: its executors, or with --source its YAML")
    static final class Show extends Base implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--source", description = "Print the flow's source instead")
        boolean source;

        @Option(names = "--version", paramLabel = "HASH", description = "With --source: that version's")
        String version;

        @Override
        public void run() {
            var session = session();
            var printer = session.printer();
            if (source) {
                // the current version unless one is asked for
                String wanted = version != null ? version : session.gateway().call(s -> s.getFlow(GetFlowRequest
                        .newBuilder().setName(name).build())).getVersion();
                var text = session.gateway().call(s -> s.getFlowSource(GetFlowSourceRequest.newBuilder()
                        .setName(name).setVersion(wanted).build()));
                printer.text(text.getSource(), Messages.json(text));
                return;
            }
            var flow = Messages.json(session.gateway().call(s -> s.getFlow(GetFlowRequest.newBuilder().setName(name)
                    .build())));
            if (printer.format() != OutputFormat.table) {
                printer.structured(flow);
                return;
            }
            printer.object(flow, List.of(Column.of("name", "name"), Column.of("origin", "origin"),
                    Column.of("version", "version"), Column.of("number", "version_number"),
                    Column.of("description", "description"), Column.of("routing", "routing_policy"),
                    Column.of("timeout (s)", "timeout_s")));
            printer.out().println();
            printer.list(new ArrayList<>(StreamSupport.stream(flow.path("executors").spliterator(),
                    false).toList()), List.of(Column.of("EXECUTOR", "id"), Column.of("TYPE", "type"),
                            Column.of("MODEL", "model"), Column.of("THEN", "targets")));
        }
    }

    @Command(name = "validate", description = "Check a flow file without saving it: every problem with its line "
            + "(exit 1 when there is one)")
    static final class Validate extends Base implements Runnable {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public void run() {
            var session = session();
            String source = Inputs.file("flow", file);
            try {
                var flow = session.gateway().call(s -> s.validateFlow(ValidateFlowRequest.newBuilder()
                        .setSource(source).build()));
                var printer = session.printer();
                if (printer.format() != OutputFormat.table) {
                    var json = Messages.json(flow);
                    json.put("valid", true);
                    printer.structured(json);
                } else {
                    printer.out().println(printer.ansi().string("@|green ✓|@ " + Printer.escape(file + ": "
                            + flow.getName() + " is valid (" + flow.getExecutorsCount() + " executors)")));
                    printer.out().flush();
                }
            } catch (CliException e) {
                if (!e.getMessage().startsWith("invalid: ")) {
                    throw e;
                }
                report(session.printer(), problems(e.getMessage().substring("invalid: ".length())));
                throw new CliException(ExitCodes.FAILED, file + " is not a valid flow");
            }
        }

        private void report(Printer printer, List<String> problems) {
            if (printer.format() != OutputFormat.table) {
                var json = Messages.JSON.createObjectNode().put("valid", false);
                var list = json.putArray("problems");
                problems.forEach(list::add);
                printer.structured(json);
                return;
            }
            for (String problem : problems) {
                printer.out().println(printer.ansi().string("@|red ✗|@ " + Printer.escape(file + ": " + problem)));
            }
            printer.out().flush();
        }

        /** "flow is invalid: line 3: …; line 9: …" → one problem each. */
        static List<String> problems(String description) {
            int colon = description.indexOf(": ");
            String list = colon >= 0 && !description.startsWith("line ") ? description.substring(colon + 2)
                    : description;
            return Arrays.stream(list.split("; (?=line \\d|[a-z])")).map(String::trim)
                    .filter(p -> !p.isEmpty()).toList();
        }
    }

    @Command(name = "push", description = "Save a flow file as a workspace flow: a new flow, or a new version of "
            + "yours with that name (existing assistants keep theirs)")
    static final class Push extends Base implements Runnable {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public void run() {
            var session = session();
            String source = Inputs.file("flow", file);
            var gateway = session.gateway();
            String name = gateway.call(s -> s.validateFlow(ValidateFlowRequest.newBuilder().setSource(source)
                    .build())).getName();
            boolean exists;
            try {
                exists = gateway.call(s -> s.getFlow(GetFlowRequest.newBuilder().setName(name).build())) != null;
            } catch (CliException e) {
                if (e.exitCode() != ExitCodes.NOT_FOUND) {
                    throw e;
                }
                exists = false;
            }
            var flow = exists
                    ? gateway.call(s -> s.updateFlow(UpdateFlowRequest.newBuilder().setName(name).setSource(source)
                            .build()))
                    : gateway.call(s -> s.createFlow(CreateFlowRequest.newBuilder().setSource(source).build()));
            var printer = session.printer();
            if (printer.format() != OutputFormat.table) {
                printer.structured(Messages.json(flow));
                return;
            }
            printer.out().println((exists ? "Updated " : "Created ") + flow.getName() + ": version "
                    + flow.getVersionNumber() + " (" + flow.getVersion() + ")");
            printer.out().flush();
        }
    }
}
