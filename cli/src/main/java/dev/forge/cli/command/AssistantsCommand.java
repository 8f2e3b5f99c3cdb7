package dev.forge.cli.command;

import java.util.List;

import dev.forge.cli.output.Column;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.GetAssistantRequest;
import dev.forge.proto.agent.v1.ListAssistantsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "assistants", description = "Assistants: a flow with its configuration, what runs are made on",
        subcommands = { AssistantsCommand.Create.class, AssistantsCommand.ListAssistants.class,
                AssistantsCommand.Get.class })
public final class AssistantsCommand {

    static final List<Column> FIELDS = List.of(Column.of("id", "id"), Column.of("name", "name"),
            Column.of("flow", "flow", "name"), Column.of("flow version", "flow", "version"),
            Column.of("version", "version"), Column.of("description", "description"),
            Column.of("config", "config"), new Column("created", a -> Printer.time(a.path("created_at"))));

    @Command(name = "create", description = "A new assistant on a flow (it pins the flow's current version unless "
            + "--flow-version latest)")
    static final class Create extends Base implements Runnable {
        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--flow", required = true, description = "A system flow or one of your workspace's")
        String flow;

        @Option(names = "--description")
        String description;

        @Option(names = "--config", paramLabel = "JSON|@FILE", description = "The assistant's configuration")
        String config;

        @Option(names = "--metadata", paramLabel = "JSON|@FILE")
        String metadata;

        @Option(names = "--flow-version", paramLabel = "latest|HASH")
        String flowVersion;

        @Override
        public void run() {
            var request = CreateAssistantRequest.newBuilder().setName(name).setFlow(flow);
            if (description != null) {
                request.setDescription(description);
            }
            if (config != null) {
                request.setConfig(Messages.struct(Inputs.object("--config", config)));
            }
            if (metadata != null) {
                request.setMetadata(Messages.struct(Inputs.object("--metadata", metadata)));
            }
            if (flowVersion != null) {
                request.setFlowVersion(flowVersion);
            }
            var session = session();
            var created = session.gateway().call(s -> s.createAssistant(request.build()));
            session.printer().object(Messages.json(created), FIELDS);
        }
    }

    @Command(name = "list", description = "Your workspace's assistants")
    static final class ListAssistants extends Base implements Runnable {
        @Option(names = "--name", description = "Only those with this name")
        String name;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public void run() {
            var session = session();
            var request = ListAssistantsRequest.newBuilder().setLimit(limit);
            if (name != null) {
                request.setName(name);
            }
            var page = session.gateway().call(s -> s.listAssistants(request.build()));
            session.printer().list(Messages.list(page.getAssistantsList()), List.of(Column.of("ID", "id"),
                    Column.of("NAME", "name"), Column.of("FLOW", "flow", "name"), Column.of("VERSION", "version"),
                    new Column("CREATED", a -> Printer.time(a.path("created_at")))));
        }
    }

    @Command(name = "get", description = "One assistant")
    static final class Get extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            var session = session();
            var assistant = session.gateway().call(s -> s.getAssistant(GetAssistantRequest.newBuilder().setId(id)
                    .build()));
            session.printer().object(Messages.json(assistant), FIELDS);
        }
    }
}
