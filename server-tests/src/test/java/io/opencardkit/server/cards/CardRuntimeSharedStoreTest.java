package io.opencardkit.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Fingerprints;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardLimits;
import io.opencardkit.core.engine.Mutation;
import io.opencardkit.core.engine.Outcome;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.store.testkit.InMemoryCardStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two runtimes on one store, as two nodes that never hear of each other's writes: a decision taken
 * on a stale copy never reaches the store; the call is decided again on what is stored.
 */
final class CardRuntimeSharedStoreTest {
  private static final String APP = "cli_0000000000000001";
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryCardStore store = new InMemoryCardStore();
  private final CardRuntime first = runtime(1);
  private final CardRuntime second = runtime(2);

  private CardRuntime runtime(int node) {
    return new CardRuntime(
        store,
        new CardEngine(clock, CardLimits.feishu()),
        Runnable::run,
        new CardIds(clock, node),
        true);
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
  }

  private static ObjectNode streamingCard() {
    return CardValidator.parseCard(
        "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}");
  }

  private static Outcome content(CardRuntime runtime, String cardId, int sequence, String text) {
    ObjectNode payload = Json.object().put("element_id", "md").put("content", text);
    return runtime
        .mutate(
            cardId,
            new Mutation(
                Mutation.Kind.CONTENT,
                APP,
                sequence,
                null,
                Fingerprints.of(text, "" + sequence),
                payload))
        .join();
  }

  private static Outcome streaming(CardRuntime runtime, String cardId, int sequence, boolean on) {
    ObjectNode payload = Json.object().set("config", Json.object().put("streaming_mode", on));
    return runtime
        .mutate(
            cardId,
            new Mutation(Mutation.Kind.SETTINGS, APP, sequence, null, "s" + sequence, payload))
        .join();
  }

  private static String text(CardRuntime runtime, String cardId) {
    CardHandle handle = runtime.findBlocking(cardId).orElseThrow();
    synchronized (handle) {
      return ElementTree.content(ElementTree.find(handle.state().card(), "md"));
    }
  }

  @Test
  void sameSequenceOnBothNodes_theSecondHears300317() {
    String cardId = first.create(APP, streamingCard()).join();
    second.findBlocking(cardId); // the second node caches it now

    assertThat(content(first, cardId, 1, "one").accepted()).isTrue();
    Outcome late =
        content(
            second, cardId, 1,
            "uno"); // decided on the stale copy, refused by the store, decided again

    assertThat(late.refusal().code()).isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING);
    assertThat(text(second, cardId)).isEqualTo("one");
  }

  @Test
  void acceptanceOnAStaleCopy_thatTheStoredStateRefuses_isRefused() {
    String cardId = first.create(APP, streamingCard()).join();
    second.findBlocking(cardId);
    assertThat(streaming(first, cardId, 1, false).accepted())
        .isTrue(); // the second node still thinks it streams

    assertThat(content(second, cardId, 2, "too late").refusal().code())
        .isEqualTo(ErrorCode.STREAMING_CLOSED);
    assertThat(store.events(cardId, 0, 10))
        .hasSize(2); // created, settings: nothing of the stale decision
  }

  @Test
  void readThroughTheOtherNode_showsWhatTheFirstAcknowledged_thoughItNeverHeardOfIt()
      throws Exception {
    String cardId = first.create(APP, streamingCard()).join();
    List<Long> heardBySecond = new CopyOnWriteArrayList<>();
    second.addListener(events -> events.forEach(e -> heardBySecond.add(e.version())));
    second.findBlocking(cardId); // cached at version 1
    assertThat(content(first, cardId, 1, "one").accepted())
        .isTrue(); // acknowledged; its broadcast never came

    CardHandle read = second.findCurrentBlocking(cardId).orElseThrow();

    synchronized (read) {
      assertThat(ElementTree.content(ElementTree.find(read.state().card(), "md"))).isEqualTo("one");
    }
    assertThat(text(second, cardId))
        .isEqualTo("one"); // the cached copy itself was brought up to date
    settleFeed(second);
    assertThat(heardBySecond).containsExactly(2L); // and its viewers heard of the version
  }

  @Test
  void readOfACopyThatIsCurrent_readsNoEvents() throws Exception {
    String cardId = first.create(APP, streamingCard()).join();
    assertThat(content(first, cardId, 1, "one").accepted()).isTrue();
    List<Long> heardBySecond = new CopyOnWriteArrayList<>();
    second.addListener(events -> events.forEach(e -> heardBySecond.add(e.version())));
    second.findBlocking(cardId); // loaded at version 2: current

    assertThat(second.findCurrentBlocking(cardId)).isPresent();

    settleFeed(second);
    assertThat(heardBySecond).isEmpty(); // nothing was missing: the store's version was all it read
  }

  @Test
  void catchUp_bringsEveryCachedCopyAndItsViewersUpToTheStore() throws Exception {
    String one = first.create(APP, streamingCard()).join();
    String two = first.create(APP, streamingCard()).join();
    List<String> heardBySecond = new CopyOnWriteArrayList<>();
    second.addListener(
        events -> events.forEach(e -> heardBySecond.add(e.cardId() + "@" + e.version())));
    second.findBlocking(one);
    second.findBlocking(two);
    assertThat(content(first, one, 1, "a").accepted()).isTrue();
    assertThat(content(first, one, 2, "ab").accepted()).isTrue();
    assertThat(content(first, two, 1, "x").accepted()).isTrue();

    second.catchUp().get(10, TimeUnit.SECONDS);

    settleFeed(second);
    assertThat(heardBySecond).containsExactlyInAnyOrder(one + "@2", one + "@3", two + "@2");
    assertThat(second.cached(one).map(h -> h.state().version())).contains(3L);
    assertThat(second.cached(two).map(h -> h.state().version())).contains(2L);
  }

  private static void settleFeed(CardRuntime runtime) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    runtime.committedElsewhere(List.of(), () -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void refusalOnAStaleCopy_thatTheStoredStateAccepts_isAccepted() {
    String cardId = first.create(APP, streamingCard()).join();
    assertThat(streaming(first, cardId, 1, false).accepted()).isTrue();
    second.findBlocking(cardId); // cached with streaming off
    assertThat(streaming(first, cardId, 2, true).accepted()).isTrue();

    assertThat(content(second, cardId, 3, "open again").accepted()).isTrue();
    assertThat(text(first, cardId))
        .isEqualTo(""); // the first node never heard: nothing tells it in this test
    assertThat(text(second, cardId)).isEqualTo("open again");
  }
}
