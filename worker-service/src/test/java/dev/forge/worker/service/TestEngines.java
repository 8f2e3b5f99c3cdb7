package dev.forge.worker.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker engines one test started; {@link #stopAll()} after each test stops them (no grace). */
final class TestEngines {

    private final List<WorkerEngine> engines = new ArrayList<>();

    WorkerEngine start(WorkerEngine engine) {
        engines.add(engine);
        engine.start().await().atMost(Duration.ofSeconds(10));
        return engine;
    }

    /** Stops one engine now and forgets it. */
    void stop(WorkerEngine engine) {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
        engines.remove(engine);
    }

    /** Forgets an engine the test stopped itself. */
    void remove(WorkerEngine engine) {
        engines.remove(engine);
    }

    WorkerEngine get(int index) {
        return engines.get(index);
    }

    void stopAll() {
        engines.forEach(e -> e.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10)));
        engines.clear();
    }
}
