package dev.forge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

/**
 * The side-by-side table: reads the JSON lines bench/run collected (Forge's Q1, Q2, R1 and the peer's lines) and
 * prints each figure next to the peer's, with the ratio and the target.
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.startsWith("{")) {
                lines.add(JsonValues.MAPPER.readTree(line));
            }
        }
        JsonNode q1 = find(lines, "Q1");
        JsonNode q2 = find(lines, "Q2");
        JsonNode r1 = find(lines, "R1");
        JsonNode batched = peer(lines, true);
        JsonNode unbatched = peer(lines, false);

        System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "figure", "forge", "graphile", "graphile batched",
                "ratio", "target");
        row("Q1 processed jobs/s", q1, "processed_jobs_per_s", unbatched, batched, true, "≥ 1.5× batched");
        row("Q1 enqueue jobs/s", q1, "enqueue_jobs_per_s", unbatched, batched, true, "");
        row("Q2 pickup p50 ms", q2, "pickup_ms_p50", unbatched, batched, false, "");
        row("Q2 pickup p99 ms", q2, "pickup_ms_p99", unbatched, batched, false, "≤ graphile's");
        row("Q2 pickup max ms", q2, "pickup_ms_max", unbatched, batched, false, "");
        JsonNode m1 = find(lines, "M1");
        if (m1 != null) {
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "M1 search 10k p50 / p99 ms",
                    m1.path("memories_10k_p50_ms").asText() + " / " + m1.path("memories_10k_p99_ms").asText(), "-",
                    "-", "", "p99 ≤ 50");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "M1 search 100k p50 / p99 ms",
                    m1.path("memories_100k_p50_ms").asText() + " / " + m1.path("memories_100k_p99_ms").asText(), "-",
                    "-", "", "");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "M1 query embedding p50 / p99 ms",
                    m1.path("embed_p50_ms").asText() + " / " + m1.path("embed_p99_ms").asText(), "-", "-", "", "");
        }
        for (JsonNode f1 : lines) {
            if (f1.path("workload").asText().equals("F1")) {
                System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "F1 small start max ms ("
                        + (f1.path("order").asText().startsWith("two") ? "turns" : "FIFO") + ")",
                        f1.path("small_start_max_ms").asText() + " (p50 " + f1.path("small_start_p50_ms").asText()
                                + ")", "-", "-", "", f1.path("order").asText().startsWith("two") ? "≤ 1000" : "");
            }
        }
        if (r1 != null) {
            r1Table(lines, r1);
        }
        JsonNode r2 = find(lines, "R2");
        if (r2 != null) {
            r2Table(lines, r2);
        }
    }

    /** R2 (open loop at one rate for all) beside the peers' R2 lines from the same run, ratio to the best peer. */
    private static void r2Table(List<JsonNode> lines, JsonNode r2) {
        JsonNode direct = peerLine(lines, "dbos", "direct", "R2");
        JsonNode queue = peerLine(lines, "dbos", "queue", "R2");
        JsonNode restate = peerLine(lines, "restate", null, "R2");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s  %s%n", "R2 at " + r2.path("rate").asText()
                + " runs/s", "forge", "dbos direct", "dbos queue", "restate", "target");
        for (String[] row : new String[][] { { "create p99 ms", "create_ms_p99", "≤ best peer" },
                { "run p99 ms", "run_ms_p99", "≤ best peer" }, { "create p50 ms", "create_ms_p50", "" },
                { "run p50 ms", "run_ms_p50", "" } }) {
            System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s  %s%n", row[0], r2.path(row[1]).asText(),
                    text(direct, row[1]), text(queue, row[1]), text(restate, row[1]), row[2]);
        }
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s  %s%n", "lost / duplicated / failed",
                lostDupFailed(r2), lostDupFailed(direct), lostDupFailed(queue), lostDupFailed(restate), "0 / 0 / 0");
    }

    /** R1 beside DBOS (direct, queue) and Restate from the same bench/run, with Forge's ratio to Restate. */
    private static void r1Table(List<JsonNode> lines, JsonNode r1) {
        JsonNode direct = r1Peer(lines, "dbos", "direct");
        JsonNode queue = r1Peer(lines, "dbos", "queue");
        JsonNode restate = r1Peer(lines, "restate", null);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s %8s  %s%n", "R1 figure", "forge", "dbos direct",
                "dbos queue", "restate", "ratio", "target");
        r1Row("runs/s", "runs_per_s", r1, direct, queue, restate, true, "≥ restate");
        r1Row("create p50 ms", "create_ms_p50", r1, direct, queue, restate, false, "");
        r1Row("create p99 ms", "create_ms_p99", r1, direct, queue, restate, false, "≤ 50");
        r1Row("run p50 ms", "run_ms_p50", r1, direct, queue, restate, false, "");
        r1Row("run p99 ms", "run_ms_p99", r1, direct, queue, restate, false, "");
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s %8s  %s%n", "lost / duplicated / failed",
                lostDupFailed(r1), lostDupFailed(direct), lostDupFailed(queue), lostDupFailed(restate), "",
                "0 / 0 / 0");
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s %8s  %s%n", "worker peak RSS MiB",
                r1.path("worker_rss_mib").asText("?"), "-", "-", "-", "", "≤ 300");
        JsonNode lag = find(lines, "monitor-lag");
        if (lag != null) {
            System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s %8s  %s%n", "monitor: not stored / embedded",
                    lag.path("events_not_stored").asText() + " / " + lag.path("searchable_not_embedded").asText(),
                    "-", "-", "-", "", "0 / 0");
        }
    }

    private static void r1Row(String name, String key, JsonNode forge, JsonNode direct, JsonNode queue,
            JsonNode restate, boolean higherIsBetter, String target) {
        String ratio = "";
        if (restate != null && restate.path(key).asDouble() > 0 && forge.path(key).asDouble() > 0) {
            double ours = forge.path(key).asDouble();
            double theirs = restate.path(key).asDouble();
            ratio = String.format(Locale.ROOT, "%.2f×", higherIsBetter ? ours / theirs : theirs / ours);
        }
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %14s %14s %8s  %s%n", name, forge.path(key).asText(),
                text(direct, key), text(queue, key), text(restate, key), ratio, target);
    }

    private static String text(JsonNode line, String key) {
        return line == null ? "-" : line.path(key).asText("-");
    }

    private static String lostDupFailed(JsonNode line) {
        return line == null ? "-" : line.path("lost").asText() + " / " + line.path("duplicated").asText() + " / "
                + line.path("failed").asText();
    }

    private static JsonNode r1Peer(List<JsonNode> lines, String peer, String mode) {
        return peerLine(lines, peer, mode, "R1");
    }

    private static JsonNode peerLine(List<JsonNode> lines, String peer, String mode, String workload) {
        return lines.stream().filter(l -> peer.equals(l.path("peer").asText())
                && workload.equals(l.path("workload").asText())
                && (mode == null || mode.equals(l.path("mode").asText())))
                .reduce((a, b) -> b).orElse(null);
    }

    private static void row(String name, JsonNode forge, String key, JsonNode unbatched, JsonNode batched,
            boolean higherIsBetter, String target) {
        if (forge == null) {
            return;
        }
        double ours = forge.path(key).asDouble();
        String ratio = "";
        if (batched != null && batched.path(key).asDouble() > 0) {
            double theirs = batched.path(key).asDouble();
            ratio = String.format(Locale.ROOT, "%.2f×", higherIsBetter ? ours / theirs : theirs / ours);
        }
        System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", name, forge.path(key).asText(),
                unbatched == null ? "-" : unbatched.path(key).asText(), batched == null ? "-" : batched.path(key)
                        .asText(), ratio, target);
    }

    private static JsonNode find(List<JsonNode> lines, String workload) {
        // Forge's own lines: the peers' carry "peer" (their R1 lines share the workload name)
        return lines.stream().filter(l -> !l.has("peer") && workload.equals(l.path("workload").asText()))
                .reduce((a, b) -> b)
                .orElse(null);
    }

    private static JsonNode peer(List<JsonNode> lines, boolean batched) {
        return lines.stream().filter(l -> l.has("peer") && l.has("batched")
                && l.path("batched").asBoolean() == batched)
                .reduce((a, b) -> b).orElse(null);
    }
}
