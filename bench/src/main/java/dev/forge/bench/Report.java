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
        if (r1 != null) {
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "R1 runs/s", r1.path("runs_per_s").asText(),
                    "-", "-", "", "≥ 1000");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "R1 create p50 / p99 ms",
                    r1.path("create_ms_p50").asText() + " / " + r1.path("create_ms_p99").asText(), "-", "-", "",
                    "p99 ≤ 20");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "R1 run p50 / p99 ms",
                    r1.path("run_ms_p50").asText() + " / " + r1.path("run_ms_p99").asText(), "-", "-", "", "");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "R1 lost / duplicated / failed",
                    r1.path("lost").asText() + " / " + r1.path("duplicated").asText() + " / "
                            + r1.path("failed").asText(), "-", "-", "", "0 / 0 / 0");
            System.out.printf(Locale.ROOT, "%-30s %18s %10s %17s %8s  %s%n", "R1 worker peak RSS MiB",
                    r1.path("worker_rss_mib").asText("?"), "-", "-", "", "≤ 300");
        }
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
        return lines.stream().filter(l -> workload.equals(l.path("workload").asText())).reduce((a, b) -> b)
                .orElse(null);
    }

    private static JsonNode peer(List<JsonNode> lines, boolean batched) {
        return lines.stream().filter(l -> l.has("peer") && l.path("batched").asBoolean() == batched)
                .reduce((a, b) -> b).orElse(null);
    }
}
