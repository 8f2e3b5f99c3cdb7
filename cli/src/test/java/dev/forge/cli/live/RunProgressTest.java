package dev.forge.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.proto.agent.v1.RunEvent;

/** The live display's model: steps begun and ended, streamed text under the running step, the run's outcome. */
class RunProgressTest {

    private static RunEvent event(String type, Object... fields) {
        var data = Struct.newBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            var value = fields[i + 1] instanceof Number n ? Value.newBuilder().setNumberValue(n.doubleValue())
                    : Value.newBuilder().setStringValue(fields[i + 1].toString());
            data.putFields(fields[i].toString(), value.build());
        }
        return RunEvent.newBuilder().setType(type).setData(data).build();
    }

    @Test
    void stepsTheirDurationsAndTheStreamedTextOfTheRunningOne() {
        var progress = new RunProgress("run-1", 0);
        progress.apply(event("run.started"), 0);
        progress.apply(event("step.started", "step", 1, "executor", "classifier"), 100);
        progress.apply(event("step.completed", "step", 1, "executor", "classifier", "duration_ms", 412), 600);
        progress.apply(event("step.started", "step", 2, "executor", "writer"), 600);
        progress.apply(event("message.delta", "executor", "writer", "delta", "Quarterly summary: "), 700);
        progress.apply(event("message.delta", "executor", "writer", "delta", "revenue grew"), 800);

        var snapshot = progress.snapshot();
        assertThat(snapshot.status()).isEqualTo("running");
        assertThat(snapshot.steps()).extracting(RunProgress.StepView::executor).containsExactly("classifier", "writer");
        assertThat(snapshot.steps().get(0).durationMs()).isEqualTo(412);
        assertThat(snapshot.steps().get(1).running()).isTrue();
        assertThat(snapshot.steps().get(1).streamed()).isEqualTo("Quarterly summary: revenue grew");

        progress.apply(event("run.failed"), 2_000);
        snapshot = progress.snapshot();
        assertThat(snapshot.status()).isEqualTo("failed");
        assertThat(snapshot.steps().get(1).failed()).isTrue();
        assertThat(snapshot.steps().get(1).durationMs()).isEqualTo(1_400);
    }

    @Test
    void aWaitingStepIsShownAsWaiting() {
        var progress = new RunProgress("run-2", 0);
        progress.apply(event("step.started", "step", 1, "executor", "approval"), 0);
        progress.apply(event("run.interrupted", "executor", "approval", "kind", "human"), 10);
        var snapshot = progress.snapshot();
        assertThat(snapshot.status()).isEqualTo("interrupted");
        assertThat(snapshot.waitingFor()).isEqualTo("approval");
        progress.apply(event("run.resumed"), 20);
        assertThat(progress.snapshot().status()).isEqualTo("running");
        assertThat(progress.snapshot().waitingFor()).isNull();
    }
}
