package dev.forge.cli.command;

import java.util.List;

import dev.forge.cli.output.Column;
import dev.forge.cli.output.Messages;
import dev.forge.proto.agent.v1.WhoAmIRequest;
import picocli.CommandLine.Command;

@Command(name = "whoami", description = "The key in use: its workspace, role and prefix, and the gateway it talks to")
public final class WhoAmICommand extends Base implements Runnable {

    @Override
    public void run() {
        var session = session();
        var identity = Messages.json(session.gateway().call(s -> s.whoAmI(WhoAmIRequest.getDefaultInstance())));
        identity.put("url", session.settings().url());
        session.printer().object(identity, List.of(Column.of("gateway", "url"), Column.of("workspace", "workspace_id"),
                Column.of("role", "role"), Column.of("key", "key_prefix"), Column.of("platform admin", "platform")));
    }
}
