package dev.forge.cli.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.client.Rest;
import dev.forge.cli.output.Column;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "webapps", description = "Webapps (Gradio, Streamlit, FastAPI, static, …) on runners, through "
        + "infra-monitor", subcommands = { WebappsCommand.ListWebapps.class, WebappsCommand.Deploy.class,
                WebappsCommand.Logs.class })
public final class WebappsCommand {

    static final List<Column> FIELDS = List.of(Column.of("slug", "slug"), Column.of("name", "name"),
            Column.of("type", "type"), Column.of("state", "state"), Column.of("git", "source", "git_url"),
            Column.of("branch", "source", "branch"), Column.of("commit", "deployed_commit"),
            Column.of("runner", "runner_id"), Column.of("port", "serving_port"), Column.of("message", "message"));

    @Command(name = "list", description = "The deployed webapps and their state")
    static final class ListWebapps extends Base implements Runnable {
        @Override
        public void run() {
            var session = session();
            var apps = new ArrayList<JsonNode>();
            session.monitor().get("/v1/webapps").forEach(apps::add);
            session.printer().list(apps, List.of(Column.of("SLUG", "slug"), Column.of("NAME", "name"),
                    Column.of("TYPE", "type"), Column.of("STATE", "state"), Column.of("COMMIT", "deployed_commit"),
                    new Column("UPDATED", a -> Printer.time(a.path("updated_at")))));
        }
    }

    @Command(name = "deploy", description = "Deploy a webapp from a git repository on a runner that can host its "
            + "type (admin)")
    static final class Deploy extends Base implements Runnable {
        @Option(names = "--slug", required = true, description = "Its address: /apps/SLUG/")
        String slug;

        @Option(names = "--name")
        String name;

        @Option(names = "--type", required = true, description = "gradio, streamlit, fastapi, static or docker")
        String type;

        @Option(names = "--git-url", required = true)
        String gitUrl;

        @Option(names = "--branch")
        String branch;

        @Option(names = "--path", description = "The app's folder in the repository")
        String path;

        @Option(names = "--command", description = "How to start it, when its type's default does not fit")
        String command;

        @Option(names = "--port")
        Integer port;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable; repeat for more")
        Map<String, String> env = Collections.emptyMap();

        @Override
        public void run() {
            var body = Messages.JSON.createObjectNode().put("slug", slug).put("type", type);
            if (name != null) {
                body.put("name", name);
            }
            var source = body.putObject("source").put("git_url", gitUrl);
            if (branch != null) {
                source.put("branch", branch);
            }
            if (path != null) {
                source.put("path", path);
            }
            if (command != null) {
                body.put("command", command);
            }
            if (port != null) {
                body.put("port", port);
            }
            if (!env.isEmpty()) {
                var vars = body.putObject("env");
                env.forEach(vars::put);
            }
            var session = session();
            session.printer().object(session.monitor().post("/v1/webapps", body), FIELDS);
        }
    }

    @Command(name = "logs", description = "A webapp's output; --follow for new lines live from its runner")
    static final class Logs extends Base implements Runnable {
        @Parameters(paramLabel = "SLUG")
        String slug;

        @Option(names = "--tail", defaultValue = "100", description = "How many past lines (default 100)")
        int tail;

        @Option(names = { "-f", "--follow" })
        boolean follow;

        @Override
        public void run() {
            if (tail < 0 || tail > 1000) {
                throw new CliException(ExitCodes.USAGE, "--tail must be between 0 and 1000");
            }
            var session = session();
            var printer = session.printer();
            var monitor = session.monitor();
            if (follow) {
                monitor.events(Rest.path("/v1/webapps/" + slug + "/logs/stream", Map.of("tail", tail)), null,
                        (id, data) -> print(printer, Rest.parse(data)));
                return;
            }
            var lines = new ArrayList<JsonNode>();
            if (tail > 0) {
                monitor.get(Rest.path("/v1/webapps/" + slug + "/logs", Map.of("limit", tail))).forEach(lines::add);
            }
            Collections.reverse(lines);
            lines.forEach(line -> print(printer, line));
        }

        private static void print(Printer printer, JsonNode line) {
            if (printer.format() != OutputFormat.table) {
                printer.record(line);
                return;
            }
            String text = Printer.escape(line.path("line").asText());
            printer.out().println("stderr".equals(line.path("stream").asText())
                    ? printer.ansi().string("@|red " + text + "|@") : text);
            printer.out().flush();
        }
    }
}
