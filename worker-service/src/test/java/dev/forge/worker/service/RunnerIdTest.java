package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A runner's id: a UUID as given, or one derived from a stable name such as a StatefulSet pod's. */
class RunnerIdTest {

    @Test
    void aPodNameGivesTheSameIdOnEveryStartAndEachPodItsOwn() {
        var id = UUID.randomUUID();
        assertThat(WebappRunner.runnerId(id.toString())).isEqualTo(id);
        assertThat(WebappRunner.runnerId("forge-runner-0")).isEqualTo(WebappRunner.runnerId("forge-runner-0"))
                .isNotEqualTo(WebappRunner.runnerId("forge-runner-1"));
    }
}
