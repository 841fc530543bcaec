package io.opencardkit.client;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.google.gson.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The single writer of one {@link CardStream}: decides the next call from the stream's text and its
 * cards, makes it through the SDK and retries it until it is acknowledged.
 *
 * <p>Implementation notes: {@link #step} runs on the stream's {@link Scheduler}, never two at a
 * time, so the fields below, the {@link WrittenCard}s and the {@link PendingCall} need no lock (the
 * scheduler's hand-over orders the steps). A step either continues the call in flight (a retry:
 * identical request, same sequence and uuid) or plans a new one; it makes at most one SDK call. Per
 * card, the plan is: create (with the text that fits) → send → content updates at the cadence → end
 * (close streaming with the summary, add the elements) → queued element replacements. A card that
 * must not grow (window margin reached, size budget reached, streaming lost twice) is closed with
 * the "continued" summary and a follow-up card takes the rest.
 */
final class StreamWriter {
  private static final System.Logger LOG = System.getLogger(CardStream.class.getName());

  /**
   * Codes of a content call refused because the streaming window closed: 200850 the first time,
   * 300309 after.
   */
  private static final int STREAMING_TIMEOUT = 200850;

  private static final int STREAMING_CLOSED = 300309;
  private static final int CARD_TOO_LARGE = 200860;

  /**
   * Refusals that, on a retry of a call whose earlier answer was lost, mean the earlier attempt was
   * applied.
   */
  private static final int SEQUENCE_COMPARE_FAILED = 300317;

  private static final int UUID_CONFLICT = 200770;

  private static final Decision IDLE = new Decision(null, -1);
  private static final Decision AGAIN = new Decision(null, 0);

  private final CardStream stream;
  private final CardApi api;
  private final StreamSettings settings;
  private final Target target;
  private final Clock clock;
  private final int skeletonBytes;
  private final List<CardRef> cards = new CopyOnWriteArrayList<>();

  private WrittenCard card; // the card being written; null before the first one exists
  private PendingCall call; // the call in flight (being retried), or null between calls
  private long nextContentAt; // epoch millis; no content call starts earlier (the cadence)
  private boolean stopped; // the stream failed: no more calls

  StreamWriter(CardStream stream, CardApi api, StreamSettings settings, Target target) {
    this.stream = stream;
    this.api = api;
    this.settings = settings;
    this.target = target;
    this.clock = settings.clock();
    this.skeletonBytes =
        CardJson.bytes(CardJson.streamingCard(settings.title(), CardStream.TEXT_ELEMENT_ID, ""))
            + CardJson.SLACK_BYTES;
  }

  List<CardRef> cards() {
    return List.copyOf(cards);
  }

  /**
   * One step of the writer: continue or start one call, then schedule the next step (or go idle).
   */
  void step() {
    try {
      if (stopped) {
        stream.idle(0);
        return;
      }
      CardStream.Snapshot snapshot = stream.snapshot();
      if (call == null) {
        Decision next = plan(snapshot);
        if (next.call() == null) {
          if (next.delayMillis() >= 0) {
            stream.scheduleNext(Duration.ofMillis(next.delayMillis()));
          } else if (!stream.idle(snapshot.version())) {
            stream.scheduleNext(Duration.ZERO);
          }
          return;
        }
        call = next.call();
      }
      attempt();
    } catch (RuntimeException e) {
      stop(
          new CardStreamException(
              "the card stream's writer failed: " + e,
              "writer",
              card == null ? null : card.id,
              0,
              -1,
              0,
              null,
              e));
    }
  }

  /** The scheduler refused a step (it was shut down): the stream cannot continue. */
  void stopped(RuntimeException cause) {
    stop(
        new CardStreamException(
            "the card stream's scheduler stopped: " + cause,
            "writer",
            card == null ? null : card.id,
            0,
            -1,
            0,
            null,
            cause));
  }

  // --- calls
  // ------------------------------------------------------------------------------------------------------

  private void attempt() {
    PendingCall c = call;
    long startedAt = clock.millis();
    if (c.attempts == 0) {
      c.firstAttemptAt = startedAt;
    }
    c.attempts++;
    Reply reply = c.request.get();
    boolean appliedEarlier =
        c.sequence > 0
            && c.outcomeUnknown
            && (reply.code() == SEQUENCE_COMPARE_FAILED || reply.code() == UUID_CONFLICT);
    if (reply.ok() || appliedEarlier) {
      if (appliedEarlier) {
        LOG.log(
            INFO,
            "{0} retry answered {1}: the earlier attempt, whose answer was lost, was applied; card_id={2} sequence={3}",
            c.operation,
            reply.code(),
            c.cardId,
            c.sequence);
      }
      call = null;
      c.success.accept(reply, startedAt);
      stream.scheduleNext(Duration.ZERO);
      return;
    }
    c.outcomeUnknown |= reply.outcomeUnknown();
    if (reply.transientFailure()) {
      long failingFor = clock.millis() - c.firstAttemptAt;
      if (failingFor < settings.giveUpAfter().toMillis()) {
        long delay = settings.backoffMillis(c.attempts, reply.retryAfterMillis());
        LOG.log(
            INFO,
            "{0} failed (attempt {1}), retrying the same request in {2} ms: card_id={3} sequence={4} uuid={5} {6}",
            c.operation,
            c.attempts,
            delay,
            c.cardId,
            c.sequence,
            c.uuid,
            reply);
        stream.scheduleNext(Duration.ofMillis(delay));
        return;
      }
      stop(
          failure(
              c,
              reply,
              "still failing after " + c.attempts + " attempts in " + failingFor + " ms"));
      return;
    }
    call = null;
    if (c.outcomeUnknown && c.card != null && c.sequence > c.card.sequence) {
      // An earlier attempt may have been applied (a server without uuid replay can refuse its retry
      // for another
      // reason): never use this sequence for a different request. Sequences must increase, not be
      // consecutive.
      c.card.sequence = c.sequence;
    }
    if (c.refused.test(reply)) {
      LOG.log(
          INFO,
          "{0} refused, recovering: card_id={1} sequence={2} {3}",
          c.operation,
          c.cardId,
          c.sequence,
          reply);
      stream.scheduleNext(Duration.ZERO);
      return;
    }
    stop(failure(c, reply, "refused"));
  }

  private void stop(CardStreamException e) {
    if (stopped) {
      return;
    }
    stopped = true;
    call = null;
    LOG.log(WARNING, "card stream failed: " + e.getMessage());
    stream.failed(e);
    stream.idle(0);
  }

  private static CardStreamException failure(PendingCall c, Reply reply, String what) {
    return failure(c.operation, c.cardId, c.sequence, reply, what);
  }

  private static CardStreamException failure(
      String operation, String cardId, int sequence, Reply reply, String what) {
    return new CardStreamException(
        operation + " " + what + ": card_id=" + cardId + " sequence=" + sequence + " " + reply,
        operation,
        cardId,
        sequence,
        reply.code(),
        reply.httpStatus(),
        reply.logId(),
        reply.error());
  }

  // --- planning
  // ---------------------------------------------------------------------------------------------------

  private Decision plan(CardStream.Snapshot s) {
    if (card == null || card.state == WrittenCard.State.CLOSED) {
      if (card != null && s.pending().isEmpty() && s.ending() == null) {
        return IDLE; // the follow-up card waits for text
      }
      return call(create(s.pending()));
    }
    switch (card.state) {
      case UNSENT:
        return call(send(card));
      case STREAMING:
        return planStreaming(s);
      default:
        return planEdit(s);
    }
  }

  private Decision planStreaming(CardStream.Snapshot s) {
    if (card.reopenNeeded) {
      return call(reopen(card));
    }
    String desired = s.pending();
    boolean extendsShown = desired.startsWith(card.shown);
    boolean moveOn =
        card.streamingLost
            || (!card.shown.isEmpty()
                && clock.millis() - card.openedAt >= settings.windowMargin().toMillis());
    int fit = fit(desired);
    if (fit == 0 && card.shown.isEmpty() && !desired.isEmpty()) {
      stop(
          new CardStreamException(
              "the text does not fit in a card of " + settings.maxCardBytes() + " bytes",
              "content",
              card.id,
              0,
              -1,
              0,
              null,
              null));
      return IDLE;
    }
    if (moveOn && extendsShown && desired.length() > card.shown.length()) {
      // This card takes no more text; it only completes the line it shows, if it can, before the
      // follow-up.
      int lineEnd = card.shown.endsWith("\n") ? -1 : desired.indexOf('\n', card.shown.length());
      if (!card.streamingLost && lineEnd >= 0 && lineEnd < fit) {
        return content(desired.substring(0, lineEnd + 1));
      }
      return closeContinued();
    }
    if (fit < desired.length()) {
      String head = desired.substring(0, fit);
      return head.equals(card.shown) ? closeContinued() : content(head);
    }
    String update = s.ending() == null ? holdBackPartialLine(desired) : desired;
    if (!update.equals(card.shown)) {
      if (card.streamingLost) {
        stop(
            new CardStreamException(
                "set() rewrote text of a card whose streaming closed",
                "content",
                card.id,
                0,
                -1,
                0,
                null,
                null));
        return IDLE;
      }
      return content(update);
    }
    if (!desired.equals(card.shown)) {
      // a partial line held back near the card's size budget: it waits for its line end or finish()
      return IDLE;
    }
    if (s.ending() != null) {
      if (!endFits(s.ending())) {
        if (card.shown.isEmpty()) {
          stop(
              new CardStreamException(
                  "the elements given to finish() do not fit in a card",
                  "batch_update",
                  card.id,
                  0,
                  -1,
                  0,
                  null,
                  null));
          return IDLE;
        }
        return closeContinued();
      }
      return call(end(card, s));
    }
    return IDLE;
  }

  /**
   * Near the card's size budget (its last eighth) only whole lines are shown, so that a card which
   * has to continue in a follow-up card ends at a line end rather than in the middle of a word
   * already on screen.
   */
  private String holdBackPartialLine(String desired) {
    int budget = budget();
    if (CardJson.textBytes(desired) <= budget - budget / 8 || !desired.startsWith(card.shown)) {
      return desired;
    }
    int lineEnd = desired.lastIndexOf('\n') + 1;
    return lineEnd > card.shown.length() ? desired.substring(0, lineEnd) : card.shown;
  }

  private Decision planEdit(CardStream.Snapshot s) {
    CardStream.Edit edit = s.edit();
    return edit == null ? IDLE : call(replace(card, edit));
  }

  /** How much of {@code desired} this card may show: all of it, or a prefix cut at a good place. */
  private int fit(String desired) {
    int budget = budget();
    int longest = TextSplitter.longestPrefixWithin(desired, budget);
    if (longest == desired.length()) {
      return longest;
    }
    // The cut a new card would make, unless the card already shows more than that.
    int cut = TextSplitter.cut(desired, longest, 0);
    int min = desired.startsWith(card.shown) ? card.shown.length() : 0;
    return cut >= min ? cut : TextSplitter.cut(desired, Math.max(longest, min), min);
  }

  /** The bytes the current card's text may take. */
  private int budget() {
    return card.full ? CardJson.textBytes(card.shown) : settings.maxCardBytes() - skeletonBytes;
  }

  private boolean endFits(CardStream.Ending ending) {
    if (card.endTooLarge) {
      return false;
    }
    if (ending.elements().isEmpty()) {
      return true;
    }
    int extra =
        64
            + (ending.summary() == null
                ? 3 * CardStream.PREVIEW_CHARS
                : CardJson.textBytes(ending.summary()));
    for (JsonObject element : ending.elements()) {
      extra += CardJson.bytes(element) + 1;
    }
    return skeletonBytes + CardJson.textBytes(card.shown) + extra <= CardJson.CARD_LIMIT_BYTES;
  }

  /**
   * Closes the current card as "continued": its text so far stays, the rest goes to a follow-up
   * card.
   */
  private Decision closeContinued() {
    if (!stream.freeze(card.shown)) {
      return AGAIN; // set() replaced the text since the snapshot: plan again
    }
    WrittenCard closing = card;
    int sequence = closing.sequence + 1;
    String uuid = newUuid();
    String body = CardJson.settings(false, settings.continuedSummary());
    return call(
        new PendingCall(
            "settings",
            closing,
            sequence,
            uuid,
            () -> api.settings(closing.id, body, sequence, uuid),
            (reply, startedAt) -> {
              closing.sequence = sequence;
              closing.state = WrittenCard.State.CLOSED;
              LOG.log(
                  INFO,
                  "card {0} closed after {1} characters; the text continues in a follow-up card",
                  closing.id,
                  closing.shown.length());
            },
            reply -> false));
  }

  private PendingCall create(String pending) {
    int budget = settings.maxCardBytes() - skeletonBytes;
    int longest = TextSplitter.longestPrefixWithin(pending, budget);
    String initial =
        pending.substring(
            0, longest == pending.length() ? longest : TextSplitter.cut(pending, longest, 0));
    String json = CardJson.streamingCard(settings.title(), CardStream.TEXT_ELEMENT_ID, initial);
    return new PendingCall(
        "create",
        null,
        0,
        null,
        () -> api.createCard(json),
        (reply, startedAt) -> {
          if (reply.value() == null) {
            throw new IllegalStateException("create answered no card_id: " + reply);
          }
          card = new WrittenCard(reply.value(), startedAt);
          card.shown = initial;
        },
        reply -> false);
  }

  private PendingCall send(WrittenCard sending) {
    String uuid =
        "okc-" + sending.id; // IM uuid (at most 50 characters): a retried send shows the card once
    return new PendingCall(
        "send",
        sending,
        0,
        uuid,
        () -> api.send(target, sending.id, uuid),
        (reply, startedAt) -> {
          if (reply.value() == null) {
            throw new IllegalStateException("send answered no message_id: " + reply);
          }
          sending.messageId = reply.value();
          sending.state = WrittenCard.State.STREAMING;
          CardRef ref = new CardRef(sending.id, sending.messageId);
          cards.add(ref);
          if (cards.size() == 1) {
            stream.opened(ref);
          }
        },
        reply -> false);
  }

  private Decision content(String text) {
    long now = clock.millis();
    if (now < nextContentAt) {
      return new Decision(null, nextContentAt - now);
    }
    WrittenCard writing = card;
    int sequence = writing.sequence + 1;
    String uuid = newUuid();
    return call(
        new PendingCall(
            "content",
            writing,
            sequence,
            uuid,
            () -> api.content(writing.id, CardStream.TEXT_ELEMENT_ID, text, sequence, uuid),
            (reply, startedAt) -> {
              writing.sequence = sequence;
              writing.shown = text;
              nextContentAt = startedAt + settings.minIntervalMillis();
            },
            reply -> {
              if (reply.code() == STREAMING_TIMEOUT || reply.code() == STREAMING_CLOSED) {
                if (writing.reopened) {
                  writing.streamingLost = true;
                } else {
                  writing.reopenNeeded = true;
                }
                return true;
              }
              if (reply.code() == CARD_TOO_LARGE && !writing.full) {
                writing.full =
                    true; // our estimate of the card's size was low: this card takes no more text
                return true;
              }
              return false;
            }));
  }

  private PendingCall reopen(WrittenCard reopening) {
    int sequence = reopening.sequence + 1;
    String uuid = newUuid();
    String body = CardJson.settings(true, null);
    return new PendingCall(
        "settings",
        reopening,
        sequence,
        uuid,
        () -> api.settings(reopening.id, body, sequence, uuid),
        (reply, startedAt) -> {
          reopening.sequence = sequence;
          reopening.reopened = true;
          reopening.reopenNeeded = false;
          reopening.openedAt = startedAt;
        },
        reply -> false);
  }

  private PendingCall end(WrittenCard ending, CardStream.Snapshot s) {
    CardStream.Ending how = s.ending();
    String summary =
        how.summary() != null
            ? how.summary()
            : CardJson.preview(s.fullText(), CardStream.PREVIEW_CHARS);
    String preview =
        summary.isEmpty() ? null : summary; // no words: leave the preview to the server
    int sequence = ending.sequence + 1;
    String uuid = newUuid();
    boolean batch = !how.elements().isEmpty();
    String body =
        batch
            ? CardJson.appendAndClose(how.elements(), preview)
            : CardJson.settings(false, preview);
    return new PendingCall(
        batch ? "batch_update" : "settings",
        ending,
        sequence,
        uuid,
        () ->
            batch
                ? api.batchUpdate(ending.id, body, sequence, uuid)
                : api.settings(ending.id, body, sequence, uuid),
        (reply, startedAt) -> {
          ending.sequence = sequence;
          ending.state = WrittenCard.State.ENDED;
          stream.completed(List.copyOf(cards));
        },
        reply -> {
          if (reply.code() == CARD_TOO_LARGE && batch && !ending.endTooLarge) {
            ending.endTooLarge = true; // the elements go to a follow-up card
            return true;
          }
          return false;
        });
  }

  private PendingCall replace(WrittenCard editing, CardStream.Edit edit) {
    int sequence = editing.sequence + 1;
    String uuid = newUuid();
    return new PendingCall(
        "update_element",
        editing,
        sequence,
        uuid,
        () -> api.replaceElement(editing.id, edit.elementId(), edit.elementJson(), sequence, uuid),
        (reply, startedAt) -> {
          editing.sequence = sequence;
          stream.removeEdit(edit);
          edit.done().complete(null);
        },
        reply -> {
          stream.removeEdit(edit);
          edit.done()
              .completeExceptionally(
                  failure("update_element", editing.id, sequence, reply, "refused"));
          return true; // a refused edit does not end the stream
        });
  }

  private static Decision call(PendingCall call) {
    return new Decision(call, 0);
  }

  private static String newUuid() {
    return UUID.randomUUID().toString();
  }

  // --- state
  // ------------------------------------------------------------------------------------------------------

  /**
   * What a step does next: make {@code call}, or wait {@code delayMillis} (0: plan again now; -1:
   * go idle).
   */
  private record Decision(PendingCall call, long delayMillis) {}
}
