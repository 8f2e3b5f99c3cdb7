package dev.forge.cli.command;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.client.Gateway;
import dev.forge.proto.agent.v1.WhoAmIRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", description = "Check an API key against the gateway and store it with the addresses "
        + "(~/.config/forge/config, mode 0600). Without --key you are asked for it (not echoed).")
public final class LoginCommand extends Base implements Runnable {

    @Option(names = "--url", description = "The gateway's gRPC address (default http://127.0.0.1:52000; https:// "
            + "for TLS)")
    String url;

    @Option(names = "--rest-url", description = "The gateway's REST API, for uploads (default http://127.0.0.1:51000)")
    String restUrl;

    @Option(names = "--monitor-url", description = "infra-monitor-service (default http://127.0.0.1:51030)")
    String monitorUrl;

    @Option(names = "--key", arity = "0..1", interactive = true, description = "The API key")
    String key;

    @Override
    public void run() {
        var session = session();
        if (key == null && System.console() != null) {
            char[] typed = System.console().readPassword("API key: ");
            key = typed == null ? null : new String(typed);
        }
        if (key == null || key.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "no key given: pass --key <key>, or --key alone to be asked");
        }
        var settings = session.settings().with(url, restUrl, monitorUrl, key.trim());
        Gateway.address(settings.url());
        try (var gateway = Gateway.connect(settings.url(), settings.key())) {
            var identity = gateway.call(s -> s.whoAmI(WhoAmIRequest.getDefaultInstance()));
            settings.save();
            session.printer().out().println("Logged in to " + settings.url() + " as " + identity.getRole()
                    + " of workspace " + identity.getWorkspaceId() + " (key " + identity.getKeyPrefix()
                    + "…); saved to " + settings.file());
            session.printer().out().flush();
        }
    }
}
