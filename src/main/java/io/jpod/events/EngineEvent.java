package io.jpod.events;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened to an engine object (libpod's events.Event): a container started, a
 * volume was removed. Clients follow these (Docker's {@code /events}, the dashboard's live view).
 *
 * @param type {@code container}, {@code pod}, {@code image}, {@code volume} or {@code network}
 * @param action what happened, in Docker's words: {@code create}, {@code start}, {@code die}, {@code remove}…
 * @param id the object's ID (a volume's name, as Docker reports it)
 * @param name the object's name when it has one
 * @param attributes extra facts: the image, an exit code, a signal
 */
public record EngineEvent(String type, String action, String id, String name, Map<String, String> attributes,
        Instant time) {

    public EngineEvent {
        name = name == null ? "" : name;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
