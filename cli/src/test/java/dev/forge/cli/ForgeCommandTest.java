package dev.forge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.jline.utils.ScreenTerminal;

/**
 * The forge command against a real gateway, worker and infra-monitor: what a person sees in a terminal, what a
 * script parses, and the exit codes both rely on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForgeCommandTest {

    private static final String LEGAL = "This Services Agreement limits each party's liability and sets governing law.";
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?$]*[A-Za-z]|\u001B[()=>][A-Z0-9]?|\r");

    static ForgeStack stack;
    static Cli cli;
    static String assistant;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        stack = ForgeStack.start();
        cli = new Cli(stack, ForgeStack.ADMIN_KEY, home.resolve("config"));
        var created = cli.run("assistants", "create", "--name", "cli-review-" + UUID.randomUUID(), "--flow",
                "document-review", "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        assistant = created.json().get("id").asText();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void createAndFollowADocumentReviewRunOneLinePerEventWithoutATerminal() throws Exception {
        var result = cli.run("runs", "create", "--assistant", assistant, "--text", LEGAL, "--follow");
        assertThat(result.exit()).as(result.err()).isZero();
        String out = result.out();
        assertThat(out).doesNotContain("\u001B[");
        // each executor started and finished, in order, then the outcome and the result
        assertThat(out).containsSubsequence("▸ classifier started", "✓ classifier", "▸ router started", "✓ router",
                "▸ legal_reviewer started", "✓ legal_reviewer", "▸ aggregator started", "✓ aggregator",
                "run succeeded", "Result (succeeded", "Legal review");
        assertThat(out.lines().filter(l -> l.contains("✓ classifier")).count()).isOne();
    }

    @Test
    @Order(2)
    void jsonAndYamlAreForScripts() throws Exception {
        var created = cli.run("runs", "create", "--assistant", assistant, "--input",
                "{\"document\": \"Q3 revenue grew and EBITDA improved\"}", "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.json().get("id").asText();
        assertThat(created.json().get("status").asText()).isIn("pending", "running");
        var waited = cli.run("runs", "wait", id, "-o", "json");
        assertThat(waited.exit()).as(waited.err()).isZero();
        var run = waited.json();
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.get("route").toString()).contains("financial_reviewer");
        assertThat(run.get("duration_ms").isNumber()).isTrue();
        assertThat(run.get("finished_at").isTextual()).isTrue();

        var list = cli.run("runs", "list", "--limit", "50", "-o", "json").json();
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("id")).contains(id);

        var yaml = cli.run("runs", "get", id, "-o", "yaml");
        assertThat(yaml.out()).contains("id: " + id, "status: succeeded");

        var table = cli.run("runs", "list", "--limit", "5");
        assertThat(table.out().lines().findFirst().orElse("")).contains("ID", "STATUS", "FLOW");

        var graph = cli.run("runs", "graph", id, "--format", "mermaid");
        assertThat(graph.out()).startsWith("flowchart").contains("financial_reviewer");

        // a fork from the first checkpoint runs the rest again as a new run, followed as JSON lines
        var fork = cli.run("runs", "fork", id, "--step", "1", "--follow", "-o", "json");
        assertThat(fork.exit()).as(fork.err()).isZero();
        var lines = fork.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).contains("\"status\":\"succeeded\"", "\"parent_run_id\":\"" + id);

        var who = cli.run("whoami", "-o", "json").json();
        assertThat(who.get("role").asText()).isEqualTo("admin");
        assertThat(who.get("workspace_id").asText()).isEqualTo("default");
        assertThat(who.toString()).doesNotContain(ForgeStack.ADMIN_KEY);
    }

    @Test
    @Order(3)
    void exitCodesTellWhatWentWrongInOneLine() throws Exception {
        var wrongKey = cli.with("FORGE_API_KEY", "fk_wrong_key_000000000000").run("runs", "list");
        assertThat(wrongKey.exit()).isEqualTo(3);
        assertThat(wrongKey.err().lines().count()).isOne();
        assertThat(wrongKey.err()).startsWith("forge: not authenticated").doesNotContain("Exception");

        var noKey = cli.without("FORGE_API_KEY").run("runs", "list");
        assertThat(noKey.exit()).isEqualTo(3);
        assertThat(noKey.err()).contains("forge login");

        var unknown = cli.run("runs", "get", UUID.randomUUID().toString());
        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.err().lines().count()).isOne();
        assertThat(unknown.err()).startsWith("forge: not found");

        var usage = cli.run("runs", "create", "--text", "no assistant");
        assertThat(usage.exit()).isEqualTo(2);

        var badJson = cli.run("runs", "create", "--assistant", assistant, "--input", "{\"a\": 1} trailing");
        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("--input is not valid JSON");

        var down = cli.with("FORGE_URL", "http://127.0.0.1:1").run("flows", "list");
        assertThat(down.exit()).isEqualTo(5);
        assertThat(down.err()).startsWith("forge: cannot reach the gateway at 127.0.0.1:1");

        var verbose = cli.run("runs", "get", UUID.randomUUID().toString(), "--verbose");
        assertThat(verbose.exit()).isEqualTo(4);
        assertThat(verbose.err()).contains("CliException", "at dev.forge.cli");
    }

    @Test
    @Order(4)
    void flowsValidatePrintsEveryProblemWithItsLine(@TempDir Path dir) throws Exception {
        var broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                name: broken-flow
                executors:
                  - id: first
                    type: llm
                    output_to: [nowhere]
                  - id: second
                    type: teleport
                """);
        var result = cli.run("flows", "validate", broken.toString());
        assertThat(result.exit()).isEqualTo(1);
        var problems = result.out().lines().filter(l -> l.startsWith("✗ ")).toList();
        assertThat(problems).hasSizeGreaterThanOrEqualTo(2);
        assertThat(problems).allSatisfy(p -> assertThat(p).contains(broken + ": line "));
        assertThat(result.err()).contains("is not a valid flow");

        var good = dir.resolve("good.yaml");
        String name = "cli-pushed-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(good, "name: " + name + "\n" + """
                executors:
                  - id: only
                    type: llm
                    model: claude-sonnet-4-5-20250929
                """);
        assertThat(cli.run("flows", "validate", good.toString()).exit()).isZero();
        var pushed = cli.run("flows", "push", good.toString());
        assertThat(pushed.exit()).as(pushed.err()).isZero();
        assertThat(pushed.out()).startsWith("Created " + name + ": version 1");
        Files.writeString(good, Files.readString(good).replace("model: claude-sonnet-4-5-20250929",
                "model: claude-opus-4-6"));
        assertThat(cli.run("flows", "push", good.toString()).out()).startsWith("Updated " + name + ": version 2");
        assertThat(cli.run("flows", "list").out()).contains(name, "document-review");
        assertThat(cli.run("flows", "show", name, "--source").out()).contains("claude-opus-4-6");
    }

    @Test
    @Order(5)
    void theLiveDisplayRedrawsInAPseudoTerminal() throws Exception {
        // slow-pipeline's middle step takes 1.5 s: long enough to be drawn running
        String slow = cli.run("assistants", "create", "--name", "cli-slow-" + UUID.randomUUID(), "--flow",
                "slow-pipeline", "-o", "json").json().get("id").asText();
        var result = cli.inTerminal(null, null, "runs", "create", "--assistant", slow, "--text", "go", "--follow");
        assertThat(result.exit()).as(result.out()).isZero();
        String raw = result.out();
        // drawn in place: cursor movement and colour codes, a spinner frame before the step's tick
        assertThat(raw).contains("\u001B[");
        // while the slow step ran, its line was drawn with a spinner frame and its elapsed time
        assertThat(ANSI.matcher(raw).replaceAll("")).containsPattern("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow_step  0\\.\\ds");
        // the screen a person sees at the end (the output replayed through JLine's VT100 emulator): each executor's
        // line redrawn in place with its tick and duration, then the result
        var screen = new ScreenTerminal(100, 40);
        screen.write(raw);
        var lines = screen.toString().lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
        assertThat(lines.get(0)).matches("run [0-9a-f-]{36}  succeeded  .*");
        assertThat(lines.subList(1, 4)).satisfiesExactly(l -> assertThat(l).matches("  ✓ fetch  \\d+ ms"),
                l -> assertThat(l).matches("  ✓ slow_step  1\\.\\ds"), l -> assertThat(l).matches("  ✓ finish  .*"));
        assertThat(lines.get(4)).startsWith("Result (succeeded, ");
        // drawn in place, not one line per event
        assertThat(screen.toString()).doesNotContain("started");
    }

    @Test
    @Order(6)
    void aWaitingRunIsAnsweredAtThePromptAndByResume() throws Exception {
        String contract = cli.run("assistants", "create", "--name", "cli-contract-" + UUID.randomUUID(), "--flow",
                "contract-approval", "-o", "json").json().get("id").asText();
        var input = "{\"title\": \"MSA\", \"document\": \"" + LEGAL + "\"}";
        // in a terminal: the question is asked and the typed answer resumes the run
        var prompted = cli.inTerminal("answer>", "{\"approved\": true, \"comment\": \"fine\"}\r", "runs", "create",
                "--assistant", contract, "--input", input, "--follow");
        String text = ANSI.matcher(prompted.out()).replaceAll("");
        assertThat(prompted.exit()).as(text).isZero();
        assertThat(text).contains("waits for you", "Approve the review of 'MSA'", "answer>", "Ready for signature");

        // from a script: the run waits, forge runs resume answers it with --value
        var created = cli.run("runs", "create", "--assistant", contract, "--input", input, "-o", "json");
        String id = created.json().get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cli.run("runs", "get", id, "-o", "json")
                .json().get("status").asText().equals("interrupted"));
        var invalid = cli.run("runs", "resume", id, "--value", "{\"approved\": \"maybe\"}");
        assertThat(invalid.exit()).isEqualTo(1);
        var resumed = cli.run("runs", "resume", id, "--value", "{\"approved\": false, \"comment\": \"no\"}",
                "--follow");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Sent back to the author");
        var again = cli.run("runs", "resume", id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("is not waiting for a person (it is succeeded)");
    }

    @Test
    @Order(7)
    void aFollowerReconnectsAfterTheGatewayRestartsWithoutLosingOrRepeatingEvents() throws Exception {
        String contract = cli.run("assistants", "create", "--name", "cli-restart-" + UUID.randomUUID(), "--flow",
                "contract-approval", "-o", "json").json().get("id").asText();
        String id = cli.run("runs", "create", "--assistant", contract, "--input",
                "{\"title\": \"NDA\", \"document\": \"" + LEGAL + "\"}", "-o", "json").json().get("id").asText();
        var out = Files.createTempFile("forge-follow", ".txt");
        var command = new ArrayList<>(Cli.java());
        command.addAll(List.of("runs", "follow", id));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("FORGE_URL", "http://127.0.0.1:" + ForgeStack.GRPC_PORT);
        builder.environment().put("FORGE_API_KEY", ForgeStack.ADMIN_KEY);
        builder.environment().put("FORGE_CONFIG", home.resolve("config").toString());
        var follower = builder.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out)
                .contains("waiting for a person"));
        stack.restartGateway();
        var resumed = cli.run("runs", "resume", id, "--value", "{\"approved\": true}");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(follower.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out);
        assertThat(follower.exitValue()).as(text).isZero();
        assertThat(text).containsSubsequence("waiting for a person", "✓ approval", "run succeeded");
        assertThat(text.lines().filter(l -> l.contains("✓ classifier")).count()).isOne();
        assertThat(text.lines().filter(l -> l.contains("waiting for a person")).count()).isOne();
    }

    @Test
    @Order(8)
    void loginStoresTheKeyForItsOwnerOnlyAndOperationsComeFromTheMonitor() throws Exception {
        var config = home.resolve("login").resolve("config");
        var anonymous = cli.without("FORGE_API_KEY").with("FORGE_CONFIG", config.toString());
        var refused = anonymous.run("login", "--key", "fk_not_a_key_00000000000");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(Files.exists(config)).isFalse();
        var login = anonymous.run("login", "--key", ForgeStack.ADMIN_KEY);
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("as admin of workspace default").doesNotContain(ForgeStack.ADMIN_KEY);
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(anonymous.run("whoami").out()).contains("admin", "default");

        var capacity = anonymous.run("capacity", "-o", "json");
        assertThat(capacity.exit()).as(capacity.err()).isZero();
        assertThat(capacity.json().get("total_capacity").asInt()).isGreaterThanOrEqualTo(2);

        // the worker's log records of a run, shipped through RabbitMQ to the monitor, as JSON lines
        String run = cli.run("runs", "create", "--assistant", assistant, "--text", LEGAL, "--follow", "-o", "json")
                .out().lines().reduce((a, b) -> b).map(Cli::parse).orElseThrow().get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cli.run("logs", "--run", run,
                "-o", "json").out()).contains("finished on worker", "\"run_id\":\"" + run));

        // an unknown webapp is not found, whether its logs are read or followed (the stream is refused before it opens)
        for (var command : List.of(new String[] { "webapps", "logs", "no-such-app" },
                new String[] { "webapps", "logs", "no-such-app", "--follow" })) {
            var missing = anonymous.run(command);
            assertThat(missing.exit()).as(missing.err()).isEqualTo(4);
            assertThat(missing.err()).startsWith("forge: infra-monitor: Not found");
        }

        // the table of recent runs, redrawn in place in a terminal
        var watch = cli.inTerminal(null, null, "runs", "watch", "--count", "2", "--limit", "3");
        assertThat(watch.exit()).isZero();
        var screen = new ScreenTerminal(100, 40);
        screen.write(watch.out());
        assertThat(screen.toString()).contains("STATUS", run, "3 runs ·");

        var completion = cli.run("completion", "bash");
        assertThat(completion.out()).contains("complete -F", "runs", "assistants");
        var help = cli.run("--help");
        assertThat(help.out()).contains("Exit codes:", "4   not found", "NO_COLOR");
    }
}
