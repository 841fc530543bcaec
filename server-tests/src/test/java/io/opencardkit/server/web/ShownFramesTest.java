package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which of a commit's frames the hub sends live: none up to the card's {@code sent} event, since
 * the message frame carries the card at that version or later.
 */
final class ShownFramesTest {
  private static final String CARD = "7000000000000000001";

  @Test
  void creationHandledAfterTheCardWasSent_isNotShown() {
    // Regression: the hub handled a card's creation (v1) after the bot had already sent it (v2),
    // so the chat was known and the v1 frame went out; the sent frame (v2) did not, and every
    // viewer met a gap from 1 to 3 and was sent a snapshot (fan-out benchmark, 250 snapshots).
    List<CardEvent> created = events(EventType.CREATED);
    List<OutFrame> frames = framesOf(created);

    assertThat(ViewerHub.shown(created, frames, 2)).isEmpty();
  }

  @Test
  void commitWithTheSentEventAndAfter_showsOnlyWhatFollowsIt() {
    List<CardEvent> events =
        events(EventType.CREATED, EventType.CONTENT_REPLACED, EventType.SENT, EventType.SETTINGS);
    List<OutFrame> frames = framesOf(events);

    assertThat(ViewerHub.shown(events, frames, 3)).containsExactly(frames.get(3));
  }

  @Test
  void afterTheSentVersion_everyFrameIsShown() {
    List<CardEvent> events = new ArrayList<>();
    events.add(event(5, EventType.CONTENT_APPENDED));
    events.add(event(6, EventType.CONTENT_APPENDED));
    List<OutFrame> frames = framesOf(events);

    assertThat(ViewerHub.shown(events, frames, 2)).isSameAs(frames);
  }

  @Test
  void sentVersionUnknown_holdsBackOnlyTheSentFrame() {
    List<CardEvent> events = events(EventType.CREATED, EventType.SENT, EventType.CONTENT_APPENDED);
    List<OutFrame> frames = framesOf(events);

    assertThat(ViewerHub.shown(events, frames, 0)).containsExactly(frames.get(0), frames.get(2));
  }

  private static List<CardEvent> events(EventType... types) {
    List<CardEvent> events = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      events.add(event(i + 1, types[i]));
    }
    return events;
  }

  private static CardEvent event(long version, EventType type) {
    return new CardEvent(CARD, version, type, 0, "cli_a", 0, null, null, Json.object());
  }

  private static List<OutFrame> framesOf(List<CardEvent> events) {
    List<OutFrame> frames = new ArrayList<>();
    for (CardEvent event : events) {
      frames.add(OutFrame.card("{\"version\":" + event.version() + "}", CARD, event.version()));
    }
    return frames;
  }
}
