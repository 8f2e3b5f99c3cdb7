package dev.forge.cli.command;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.Session;
import dev.forge.cli.client.Rest;
import dev.forge.cli.live.LiveDisplay;
import dev.forge.cli.live.PlainEvents;
import dev.forge.cli.live.RunFollower;
import dev.forge.cli.live.Terminals;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.CancelRunRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.ForkRunRequest;
import dev.forge.proto.agent.v1.GetRunGraphRequest;
import dev.forge.proto.agent.v1.GetRunRequest;
import dev.forge.proto.agent.v1.ListRunsRequest;
import dev.forge.proto.agent.v1.RejectRunRequest;
import dev.forge.proto.agent.v1.ReplayRunRequest;
import dev.forge.proto.agent.v1.ResumeRunRequest;
import dev.forge.proto.agent.v1.Run;
import dev.forge.proto.agent.v1.WaitRunRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "runs", description = "Runs: create and follow them, list, wait, cancel, fork, replay, answer",
        subcommands = { RunsCommand.Create.class, RunsCommand.Follow.class, RunsCommand.ListRuns.class,
                RunsCommand.Get.class, RunsCommand.Wait.class, RunsCommand.Cancel.class, RunsCommand.Fork.class,
                RunsCommand.Replay.class, RunsCommand.Graph.class, RunsCommand.Resume.class,
                RunsCommand.Reject.class, WatchCommand.class })
public final class RunsCommand {

    /** Options every command that can follow the run it makes shares. */
    static final class FollowOption {
        @Option(names = { "-f", "--follow" }, description = "Follow the run to its end: a live display in a "
                + "terminal, one line per event otherwise; exit 1 unless it succeeds")
        boolean follow;
    }

    @Command(name = "create", description = "Start a run on an assistant (a new session) or in a session")
    static final class Create extends Base implements Runnable {
        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--assistant", paramLabel = "ID", required = true)
            String assistant;

            @Option(names = "--session", paramLabel = "ID", required = true)
            String session;
        }

        @ArgGroup(multiplicity = "0..1")
        Input input;

        static final class Input {
            @Option(names = "--input", paramLabel = "JSON|@FILE|-", required = true,
                    description = "The run's input, a JSON object")
            String json;

            @Option(names = "--text", paramLabel = "TEXT", required = true,
                    description = "Shorthand for --input '{\"text\": TEXT}'")
            String text;
        }

        @Option(names = "--artifact", paramLabel = "FILE", description = "A file the run reads (uploaded first); "
                + "repeat for more")
        List<Path> artifacts = new ArrayList<>();

        @Option(names = "--overrides", paramLabel = "JSON|@FILE", description = "model, models, tools, max_tokens, "
                + "timeout, parameters")
        String overrides;

        @Option(names = "--interrupt-before", paramLabel = "EXECUTOR", split = ",",
                description = "Stop before these executors for a go-ahead (* for every one)")
        List<String> interruptBefore = new ArrayList<>();

        @Option(names = "--interrupt-after", paramLabel = "EXECUTOR", split = ",")
        List<String> interruptAfter = new ArrayList<>();

        @Option(names = "--multitask-strategy", paramLabel = "enqueue|reject|interrupt")
        String multitask;

        @Option(names = "--webhook", paramLabel = "URL", description = "Sent the run's outcome")
        String webhook;

        @Option(names = "--idempotency-key", paramLabel = "KEY")
        String idempotencyKey;

        @Mixin
        FollowOption follow;

        @Override
        public void run() {
            var session = session();
            var request = CreateRunRequest.newBuilder();
            if (target.assistant != null) {
                request.setAssistantId(target.assistant);
            } else {
                request.setSessionId(target.session);
            }
            if (input != null) {
                request.setInput(Messages.struct(input.json != null ? Inputs.object("--input", input.json)
                        : Messages.JSON.createObjectNode().put("text", input.text)));
            }
            if (overrides != null) {
                request.setOverrides(Messages.struct(Inputs.object("--overrides", overrides)));
            }
            request.addAllInterruptBefore(interruptBefore).addAllInterruptAfter(interruptAfter);
            if (multitask != null) {
                request.setMultitaskStrategy(multitask);
            }
            if (webhook != null) {
                request.setWebhook(webhook);
            }
            if (idempotencyKey != null) {
                request.setIdempotencyKey(idempotencyKey);
            }
            for (var file : artifacts) {
                request.addArtifacts(upload(session, file));
            }
            var run = session.gateway().call(s -> s.createRun(request.build()));
            show(session, run, follow.follow);
        }

        private static String upload(Session session, Path file) {
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.USAGE, "cannot read artifact " + file + ": no such file");
            }
            String type;
            try {
                type = Files.probeContentType(file);
            } catch (IOException e) {
                type = null;
            }
            var artifact = session.gatewayRest().upload(Rest.path("/v1/artifacts",
                    Map.of("name", file.getFileName().toString())), file,
                    type == null ? "application/octet-stream" : type);
            return artifact.path("id").asText();
        }
    }

    @Command(name = "follow", description = "Follow a run from its first event (or after --after) to its end")
    static final class Follow extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--after", paramLabel = "EVENT_ID", defaultValue = "0",
                description = "Only events after this one (resume where you stopped)")
        long after;

        @Override
        public void run() {
            follow(session(), id, after);
        }
    }

    @Command(name = "list", description = "Runs, newest first")
    static final class ListRuns extends Base implements Runnable {
        @Option(names = "--session", paramLabel = "ID")
        String sessionId;

        @Option(names = "--status", description = "pending, running, interrupted, succeeded, failed, cancelled, "
                + "timed_out")
        String status;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Override
        public void run() {
            var session = session();
            session.printer().list(Messages.list(list(session, sessionId, status, limit)), RunView.COLUMNS);
        }
    }

    static List<Run> list(Session session, String sessionId, String status, int limit) {
        var request = ListRunsRequest.newBuilder().setLimit(limit);
        if (sessionId != null) {
            request.setSessionId(sessionId);
        }
        if (status != null) {
            request.setStatus(status);
        }
        return session.gateway().call(s -> s.listRuns(request.build())).getRunsList();
    }

    @Command(name = "get", description = "One run: status, route, timings, input, output")
    static final class Get extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            var session = session();
            session.printer().object(Messages.json(get(session, id)), RunView.FIELDS);
        }
    }

    @Command(name = "wait", description = "Wait until a run ends (or waits for a person); exit 1 unless it "
            + "succeeded")
    static final class Wait extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "Give up after this long (exit 5); default 600")
        int timeout;

        @Override
        public void run() {
            var session = session();
            long deadline = System.currentTimeMillis() + timeout * 1000L;
            Run run;
            while (true) {
                int left = (int) Math.max(1, Math.min(300, (deadline - System.currentTimeMillis() + 999) / 1000));
                run = session.gateway().call(left + 10L, s -> s.waitRun(WaitRunRequest.newBuilder().setId(id)
                        .setTimeoutSeconds(left).build()));
                if (!List.of("pending", "running").contains(run.getStatus())
                        || System.currentTimeMillis() >= deadline) {
                    break;
                }
            }
            session.printer().object(Messages.json(run), RunView.FIELDS);
            exitFor(run, true);
        }
    }

    @Command(name = "cancel", description = "Cancel a run: at once while pending, within a second while running")
    static final class Cancel extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            var session = session();
            var run = session.gateway().call(s -> s.cancelRun(CancelRunRequest.newBuilder().setId(id).build()));
            session.printer().object(Messages.json(run), RunView.FIELDS);
        }
    }

    @Command(name = "fork", description = "A new run from the state after step N, with other overrides if given")
    static final class Fork extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--step", required = true, paramLabel = "N")
        int step;

        @Option(names = "--overrides", paramLabel = "JSON|@FILE")
        String overrides;

        @Option(names = "--new-session", description = "Give the new run its own session")
        boolean newSession;

        @Mixin
        FollowOption follow;

        @Override
        public void run() {
            var request = ForkRunRequest.newBuilder().setId(id).setStep(step).setNewSession(newSession);
            if (overrides != null) {
                request.setOverrides(Messages.struct(Inputs.object("--overrides", overrides)));
            }
            var session = session();
            show(session, session.gateway().call(s -> s.forkRun(request.build())), follow.follow);
        }
    }

    @Command(name = "replay", description = "Run everything after step N again with the parent's configuration")
    static final class Replay extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--step", required = true, paramLabel = "N")
        int step;

        @Option(names = "--new-session")
        boolean newSession;

        @Mixin
        FollowOption follow;

        @Override
        public void run() {
            var session = session();
            var run = session.gateway().call(s -> s.replayRun(ReplayRunRequest.newBuilder().setId(id).setStep(step)
                    .setNewSession(newSession).build()));
            show(session, run, follow.follow);
        }
    }

    @Command(name = "graph", description = "The run's communication graph as Mermaid or Graphviz text")
    static final class Graph extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--format", defaultValue = "mermaid", description = "mermaid (default) or dot")
        String format;

        @Override
        public void run() {
            var session = session();
            var graph = session.gateway().call(s -> s.getRunGraph(GetRunGraphRequest.newBuilder().setId(id)
                    .setFormat(format).build()));
            session.printer().text(graph.getText(), Messages.json(graph));
        }
    }

    @Command(name = "resume", description = "Answer a run that waits for a person; without --value you are asked "
            + "(in a terminal)")
    static final class Resume extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--value", paramLabel = "JSON|@FILE|-", description = "The answer (JSON; it must meet the "
                + "question's schema)")
        String value;

        @Option(names = "--state", paramLabel = "JSON|@FILE", description = "A state edit applied first: "
                + "{\"input\": {...}, \"outputs\": {\"<executor>\": ...}}")
        String state;

        @Option(names = "--goto", paramLabel = "EXECUTOR", description = "Continue at this executor instead")
        String gotoExecutor;

        @Mixin
        FollowOption follow;

        @Override
        public void run() {
            var session = session();
            var request = ResumeRunRequest.newBuilder().setId(id);
            if (value != null) {
                request.setValue(Messages.value(Inputs.json("--value", value)));
            } else if (state == null && gotoExecutor == null) {
                var run = get(session, id);
                if (!run.getStatus().equals("interrupted")) {
                    throw new CliException(ExitCodes.FAILED, "run " + id + " is not waiting for a person (it is "
                            + run.getStatus() + ")");
                }
                if (!Terminals.isTerminal()) {
                    throw new CliException(ExitCodes.USAGE, "give the answer with --value (no terminal to ask in)");
                }
                var answer = Prompt.answer(session, run);
                if (answer != null) {
                    request.setValue(answer);
                }
            }
            if (state != null) {
                request.setState(Messages.struct(Inputs.object("--state", state)));
            }
            if (gotoExecutor != null) {
                request.setGoto(gotoExecutor);
            }
            var run = session.gateway().call(s -> s.resumeRun(request.build()));
            show(session, run, follow.follow);
        }
    }

    @Command(name = "reject", description = "Refuse a run that waits for a person: it ends cancelled")
    static final class Reject extends Base implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason")
        String reason;

        @Override
        public void run() {
            var session = session();
            var run = session.gateway().call(s -> s.rejectRun(RejectRunRequest.newBuilder().setId(id)
                    .setReason(reason == null ? "" : reason).build()));
            session.printer().object(Messages.json(run), RunView.FIELDS);
        }
    }

    static Run get(Session session, String id) {
        return session.gateway().call(s -> s.getRun(GetRunRequest.newBuilder().setId(id).build()));
    }

    /** A run just made or answered: followed, or printed. */
    static void show(Session session, Run run, boolean follow) {
        if (follow) {
            // the live display's header names the run; a log of lines says which run it is first
            if (session.printer().format() == OutputFormat.table && !Terminals.isTerminal()) {
                session.printer().out().println(session.ansi().string("@|faint Following run " + run.getId()
                        + "|@"));
            }
            follow(session, run.getId(), 0);
        } else {
            session.printer().object(Messages.json(run), RunView.FIELDS);
        }
    }

    /**
     * Follows a run to its end: live in a terminal (asking for the answer when it waits for a person), one line per
     * event otherwise, JSON lines with -o json; then the finished run. Exit 1 unless it succeeded.
     */
    static void follow(Session session, String id, long after) {
        var printer = session.printer();
        var follower = new RunFollower(session.gateway(), id, after);
        if (printer.format() != OutputFormat.table) {
            follower.follow(e -> printer.record(Messages.json(e)), false);
        } else if (Terminals.isTerminal()) {
            while (true) {
                String ended;
                var live = LiveDisplay.open(id, printer.ansi().enabled());
                if (live == null) {
                    ended = follower.follow(new PlainEvents(printer.out(), printer.ansi()), false);
                } else {
                    try (live) {
                        ended = follower.follow(live, true);
                    }
                }
                if (!ended.equals("run.interrupted")) {
                    break;
                }
                var answer = Prompt.answer(session, get(session, id));
                var resume = ResumeRunRequest.newBuilder().setId(id);
                if (answer != null) {
                    resume.setValue(answer);
                }
                session.gateway().call(s -> s.resumeRun(resume.build()));
            }
        } else {
            follower.follow(new PlainEvents(printer.out(), printer.ansi()), false);
        }
        var run = get(session, id);
        if (printer.format() == OutputFormat.table) {
            printer.out().println();
            printer.out().println(printer.ansi().string("@|bold Result|@ (" + run.getStatus() + ", "
                    + run.getDurationMs() + " ms)"));
            var json = Messages.json(run);
            printer.out().println(Printer.escape(run.getStatus().equals("succeeded")
                    ? RunView.result(json.path("output")) : RunView.result(json.path("error"))));
            printer.out().flush();
        } else {
            printer.record(Messages.json(run));
        }
        exitFor(run, false);
    }

    /** Exit 1 for a run that did not succeed (the output was printed first). */
    static void exitFor(Run run, boolean waitingIsFine) {
        String status = run.getStatus();
        if (status.equals("succeeded") || waitingIsFine && List.of("interrupted", "pending", "running")
                .contains(status)) {
            return;
        }
        throw new CliException(ExitCodes.FAILED, "run " + run.getId() + " " + status.replace('_', ' '));
    }
}
