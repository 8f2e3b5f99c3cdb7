package dev.forge.cli.command;

import java.util.List;

import dev.forge.cli.output.Column;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.ListSessionsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sessions", description = "Sessions (threads): the conversations runs belong to",
        subcommands = SessionsCommand.ListSessions.class)
public final class SessionsCommand {

    @Command(name = "list", description = "Your workspace's sessions, newest first")
    static final class ListSessions extends Base implements Runnable {
        @Option(names = "--assistant", paramLabel = "ID")
        String assistant;

        @Option(names = "--status", description = "idle, busy or error")
        String status;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public void run() {
            var session = session();
            var request = ListSessionsRequest.newBuilder().setLimit(limit);
            if (assistant != null) {
                request.setAssistantId(assistant);
            }
            if (status != null) {
                request.setStatus(status);
            }
            var page = session.gateway().call(s -> s.listSessions(request.build()));
            session.printer().list(Messages.list(page.getSessionsList()), List.of(Column.of("ID", "id"),
                    Column.of("ASSISTANT", "assistant_id"), Column.of("STATUS", "status"),
                    new Column("UPDATED", s -> Printer.time(s.path("updated_at")))));
        }
    }
}
