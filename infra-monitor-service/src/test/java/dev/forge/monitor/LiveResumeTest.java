package dev.forge.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.forge.core.json.JsonValues;
import dev.forge.discovery.testing.ConsulStandInResource;
import dev.forge.monitor.service.EventService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The live event stream carries each event's id, and a client reconnecting with Last-Event-ID (as the dashboard's
 * reader does) first gets the events it missed, then the live ones, none twice.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class LiveResumeTest {

    @Inject
    EventService events;

    /** Every event this test raised, in order. */
    private final List<Long> raised = new CopyOnWriteArrayList<>();

    private long raise(String marker) {
        long id = events.raise("resume-test", "capacity.alert", "warning", JsonValues.MAPPER.createObjectNode()
                .put("marker", marker)).await().atMost(Duration.ofSeconds(5)).get("id").asLong();
        raised.add(id);
        return id;
    }

    @Test
    void aReconnectingClientGetsWhatItMissedThenLiveEvents() throws Exception {
        String path = "/v1/events/stream?gateway=resume-test";
        long seen;
        try (var first = LiveStream.open(path, Cluster.ADMIN_KEY)) {
            assertThat(first.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                raise("warm-up");
                assertThat(first.ids()).isNotEmpty();
            });
            // each event is recorded with its id and data together, so the last one read carries both
            var events = first.events();
            var lastEvent = events.get(events.size() - 1);
            seen = Long.parseLong(lastEvent.id());
            assertThat(lastEvent.data().get("id").asLong()).isEqualTo(seen);
        }
        // while no client listens (a warm-up event raised after the last one seen is missed too)
        for (int i = 0; i < 3; i++) {
            raise("missed-" + i);
        }
        long last = seen;
        var missed = raised.stream().filter(id -> id > last).toList();
        try (var resumed = LiveStream.open(path, Cluster.ADMIN_KEY, String.valueOf(seen))) {
            assertThat(resumed.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.ids().size() >= missed.size());
            long live = raise("live");
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.ids().contains(String.valueOf(live)));
            List<Long> ids = resumed.ids().stream().map(Long::parseLong).toList();
            assertThat(ids).startsWith(missed.toArray(Long[]::new)).contains(live).doesNotHaveDuplicates()
                    .allMatch(id -> id > last);
        }
    }
}
