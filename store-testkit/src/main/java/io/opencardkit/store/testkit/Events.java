package io.opencardkit.store.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sample card events, snapshots and batches for storage tests. */
public final class Events {
  /**
   * The {@code atMillis} of version 1 of every sample event; version {@code v} is {@code
   * BASE_MILLIS + v}.
   */
  public static final long BASE_MILLIS = 1_700_000_000_000L;

  private Events() {}

  /**
   * A streamed-text event of {@code cardId} at {@code version}, timed {@code BASE_MILLIS +
   * version}.
   */
  public static CardEvent event(String cardId, long version) {
    return event(cardId, version, BASE_MILLIS + version);
  }

  /** A streamed-text event of {@code cardId} at {@code version}, timed {@code atMillis}. */
  public static CardEvent event(String cardId, long version, long atMillis) {
    ObjectNode payload = Json.object();
    payload.put("element_id", "markdown_1");
    payload.put("offset", (int) version);
    payload.put("text", "chunk " + version + " ✓");
    return new CardEvent(
        cardId,
        version,
        EventType.CONTENT_APPENDED,
        atMillis,
        "cli_sample",
        (int) version,
        "u-" + version,
        "fp-" + version,
        payload);
  }

  /** A streamed-text event of {@code cardId} at {@code version} whose increment is {@code text}. */
  public static CardEvent textEvent(String cardId, long version, String text) {
    CardEvent sample = event(cardId, version);
    sample.payload().put("text", text);
    return sample;
  }

  /** An event whose optional fields are all {@code null} (a server-caused timeout). */
  public static CardEvent bareEvent(String cardId, long version) {
    return new CardEvent(
        cardId,
        version,
        EventType.STREAMING_TIMED_OUT,
        BASE_MILLIS + version,
        null,
        0,
        null,
        null,
        Json.object());
  }

  /** Events of {@code cardId} with versions {@code from..to}, both inclusive. */
  public static List<CardEvent> range(String cardId, long from, long to) {
    List<CardEvent> events = new ArrayList<>();
    for (long v = from; v <= to; v++) {
      events.add(event(cardId, v));
    }
    return events;
  }

  /** A snapshot of {@code cardId} at {@code version}, with a small state naming the version. */
  public static CardSnapshot snapshot(String cardId, long version) {
    return new CardSnapshot(
        cardId, version, "{\"card_id\":\"" + cardId + "\",\"version\":" + version + "}");
  }

  /** A batch of events only. */
  public static WriteBatch batch(CardEvent... events) {
    return WriteBatch.ofEvents(List.of(events));
  }

  /** A batch of events only. */
  public static WriteBatch batch(List<CardEvent> events) {
    return WriteBatch.ofEvents(events);
  }

  /** A batch of one snapshot only. */
  public static WriteBatch snapshotBatch(CardSnapshot snapshot) {
    return new WriteBatch(List.of(), List.of(snapshot), List.of(), Map.of());
  }

  /** A batch of one key/value entry only. */
  public static WriteBatch metaBatch(String key, String value) {
    return new WriteBatch(List.of(), List.of(), List.of(), Map.of(key, value));
  }
}
