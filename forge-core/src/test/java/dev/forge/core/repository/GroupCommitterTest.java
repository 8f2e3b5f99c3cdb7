package dev.forge.core.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

class GroupCommitterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<List<Integer>> flushed = new CopyOnWriteArrayList<>();

    @Test
    void writesQueuedDuringAFlushGoTogetherInTheNextOne() {
        var release = new CompletableFuture<Void>();
        var committer = new GroupCommitter<Integer, String>("test", 1, 100, batch -> {
            flushed.add(batch);
            var answers = batch.stream().map(i -> "ok " + i).toList();
            // the first flush is held open until the test lets it go
            return flushed.size() == 1 ? Uni.createFrom().completionStage(release).replaceWith(answers)
                    : Uni.createFrom().item(answers);
        }, registry.summary("batch"));

        var first = committer.submit(0).subscribeAsCompletionStage();
        var queued = new ArrayList<CompletableFuture<String>>();
        for (int i = 1; i <= 10; i++) {
            queued.add(committer.submit(i).subscribeAsCompletionStage());
        }
        assertThat(flushed).containsExactly(List.of(0));
        release.complete(null);

        assertThat(first.join()).isEqualTo("ok 0");
        for (int i = 1; i <= 10; i++) {
            assertThat(queued.get(i - 1).join()).isEqualTo("ok " + i);
        }
        assertThat(flushed).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    }

    @Test
    void aFailingBatchIsAppliedWriteByWriteSoOnlyTheBadWriteFails() {
        var release = new CompletableFuture<Void>();
        var committer = new GroupCommitter<Integer, String>("test", 1, 100, batch -> {
            flushed.add(batch);
            if (flushed.size() == 1) {
                return Uni.createFrom().completionStage(release).replaceWith(List.of("held"));
            }
            if (batch.contains(13)) {
                return Uni.createFrom().failure(new IllegalStateException("13 breaks a constraint"));
            }
            return Uni.createFrom().item(batch.stream().map(i -> "ok " + i).toList());
        }, registry.summary("batch"));

        var held = committer.submit(0).subscribeAsCompletionStage();
        var good = committer.submit(12).subscribeAsCompletionStage();
        var bad = committer.submit(13).subscribeAsCompletionStage();
        var alsoGood = committer.submit(14).subscribeAsCompletionStage();
        release.complete(null);

        assertThat(held.join()).isEqualTo("held");
        assertThat(good.join()).isEqualTo("ok 12");
        assertThat(alsoGood.join()).isEqualTo("ok 14");
        assertThat(bad).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                .withMessageContaining("13 breaks a constraint");
        assertThat(flushed).containsExactly(List.of(0), List.of(12, 13, 14), List.of(12), List.of(13), List.of(14));
    }
}
