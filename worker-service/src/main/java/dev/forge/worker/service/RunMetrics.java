package dev.forge.worker.service;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the Coordinator reports to /q/metrics: finished runs by status, executed steps and their durations, waits for
 * people.
 */
public final class RunMetrics {

    private final MeterRegistry registry;

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }


    void runFinished(String status) {
        Counter.builder("forge.runs.finished").description("Runs that reached a terminal status")
                .tag("status", status).register(registry).increment();
    }

    void stepExecuted(String executorType, Duration duration) {
        Timer.builder("forge.steps").description("Executor steps committed").tag("type", executorType)
                .register(registry).record(duration);
    }

    void runInterrupted() {
        Counter.builder("forge.runs.interrupted").description("Times a run stopped to wait for a person (job parked)")
                .register(registry).increment();
    }

    void leaseLost() {
        Counter.builder("forge.runs.lease.lost").description("Runs this worker stopped because its lease moved on")
                .register(registry).increment();
    }
}
