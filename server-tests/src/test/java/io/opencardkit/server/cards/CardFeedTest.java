package io.opencardkit.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.InMemoryCardStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed hands each committed event to the listeners once, in version order per card, filling
 * gaps from the store.
 */
final class CardFeedTest {
  private final InMemoryCardStore store = new InMemoryCardStore();
  private final List<List<CardEvent>> appliedToCache = new CopyOnWriteArrayList<>();
  private final List<Long> heard = new CopyOnWriteArrayList<>();
  private final CardFeed feed = new CardFeed(store, appliedToCache::add);

  CardFeedTest() {
    feed.addListener(events -> events.forEach(e -> heard.add(e.version())));
  }

  @AfterEach
  void stop() {
    feed.close();
  }

  private void stored(long from, long to) {
    store.commit(WriteBatch.ofEvents(Events.range("c1", from, to))).join();
  }

  private void settle() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    feed.runAfterPending(() -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void eventsInOrder_areHeardOnceEach() throws Exception {
    stored(1, 3);
    feed.committed(Events.range("c1", 1, 2));
    feed.committed(Events.range("c1", 3, 3));
    settle();

    assertThat(heard).containsExactly(1L, 2L, 3L);
  }

  @Test
  void eventsDeliveredAlready_areDropped() throws Exception {
    stored(1, 3);
    feed.committed(Events.range("c1", 1, 3));
    feed.committed(Events.range("c1", 2, 3)); // our own events coming back from the bus, say
    settle();

    assertThat(heard).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aGap_isFilledFromTheStoreBeforeTheNewerEvent() throws Exception {
    stored(1, 6);
    feed.committed(Events.range("c1", 1, 2));
    feed.committed(Events.range("c1", 5, 6)); // 3 and 4 were lost on the bus
    settle();

    assertThat(heard).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(appliedToCache.get(1).stream().map(CardEvent::version).collect(Collectors.toList()))
        .containsExactly(3L, 4L, 5L, 6L);
  }

  @Test
  void aCardSeenForTheFirstTime_startsWhereItsEventsStart() throws Exception {
    stored(1, 8);
    feed.committed(
        Events.range(
            "c1", 7, 8)); // nobody here could owe a page versions 1 to 6: a snapshot serves them
    settle();

    assertThat(heard).containsExactly(7L, 8L);
  }

  @Test
  void catchUp_handsOnWhatTheStoreHoldsBeyondWhatWasDelivered() throws Exception {
    stored(1, 2);
    feed.committed(Events.range("c1", 1, 2));
    stored(3, 4); // committed by another node while the bus was down
    CompletableFuture<Void> done = new CompletableFuture<>();
    feed.catchUp("c1", 0, 4, done);
    done.get(10, TimeUnit.SECONDS);

    assertThat(heard).containsExactly(1L, 2L, 3L, 4L);
    assertThat(feed.lastDelivered("c1")).isEqualTo(4L);
  }

  @Test
  void catchUp_ofACardNeverDelivered_startsAfterTheVersionTheCallerKnows() throws Exception {
    stored(1, 5);
    CompletableFuture<Void> done = new CompletableFuture<>();
    feed.catchUp("c1", 3, 5, done);
    done.get(10, TimeUnit.SECONDS);

    assertThat(heard).containsExactly(4L, 5L);
  }

  @Test
  void catchUp_whenTheFeedDeliveredTheStoredVersionAlready_readsNothing() throws Exception {
    stored(1, 2);
    feed.committed(Events.range("c1", 1, 2));
    stored(3, 3); // only the store knows it, but the caller asks up to version 2
    CompletableFuture<Void> done = new CompletableFuture<>();
    feed.catchUp("c1", 0, 2, done);
    done.get(10, TimeUnit.SECONDS);

    assertThat(heard).containsExactly(1L, 2L);
  }

  @Test
  void then_runsAfterTheEventsWereHeard() throws Exception {
    stored(1, 1);
    List<List<Long>> seenThen = new ArrayList<>();
    feed.committed(Events.range("c1", 1, 1), () -> seenThen.add(List.copyOf(heard)));
    settle();

    assertThat(seenThen).containsExactly(List.of(1L));
  }
}
