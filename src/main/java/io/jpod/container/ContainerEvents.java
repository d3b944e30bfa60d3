package io.jpod.container;

import io.jpod.events.EventBus;
import io.jpod.state.StoredContainer;

/** Publishes container events with Docker's standard attributes (image, pod) first. */
final class ContainerEvents {

    private final EventBus events;

    ContainerEvents(EventBus events) {
        this.events = events;
    }

    void publish(String action, StoredContainer c, String... extra) {
        String[] kv = new String[4 + extra.length];
        kv[0] = "image";
        kv[1] = c.config().rootfsImageName();
        kv[2] = "pod";
        kv[3] = c.config().podId();
        System.arraycopy(extra, 0, kv, 4, extra.length);
        events.publish("container", action, c.id(), c.name(), EventBus.attributes(kv));
    }
}
