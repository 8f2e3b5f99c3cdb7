package dev.forge.gateway.e2e;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.forge.core.messaging.BusConsumer;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.testing.BusObserver;

/** An outside consumer of every committed event of the default workspace, splitting the relay's batches. */
final class EventObserver implements AutoCloseable {

    final Set<Long> ids = ConcurrentHashMap.newKeySet();
    final ConcurrentHashMap<Long, String> types = new ConcurrentHashMap<>();
    final BusObserver bus;

    EventObserver() {
        bus = new BusObserver(Exchanges.EVENTS, "topic", "default.#", d -> BusConsumer.events(d.body()).forEach(e -> {
            if (e.getLong("id") != null) {
                ids.add(e.getLong("id"));
                types.put(e.getLong("id"), e.getString("type"));
            }
        }));
    }

    /** (Re)connects, declaring the exchange and binding again (after a broker restart or a deleted exchange). */
    void connect() {
        bus.connect();
    }

    @Override
    public void close() {
        bus.close();
    }

    static String rabbitctl(String... args) throws Exception {
        return BusObserver.rabbitctl(args);
    }
}
