package io.opencardkit.client;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One answer streamed into Feishu/Lark cards through the official SDK: {@link #append} text as it
 * is generated, then {@link #finish} (or {@link #fail}). Open one with {@link
 * CardStreams#open(Target)}.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>No text is lost or reordered.</b> Every card shows a prefix of the stream's remaining
 *       text at all times. When {@link #finish}'s future completes, the texts of {@link #cards()},
 *       concatenated in order, equal {@link #text()}: every character appended, in order, once.
 *   <li><b>One writer and one sequence per card.</b> A stream's calls are made one at a time by its
 *       single writer. Each card's {@code sequence} starts at 1 and advances when a call is
 *       acknowledged (or, should a server refuse the retry of a call whose first answer was lost,
 *       past the sequence that call may have used); a sequence is never used for two different
 *       requests, so the stream never provokes 300317.
 *   <li><b>Retries are safe.</b> Network errors, timeouts, HTTP 5xx, 300000 and rate limits (HTTP
 *       429, 99991400) are retried with the identical request: same sequence, same {@code uuid}. A
 *       call whose answer was lost may have been applied; the server answers its retry from the
 *       uuid ("replay") instead of applying it twice. If a server refuses such a retry with 300317
 *       or 200770 instead, the stream takes that as the earlier attempt's success (no other writer
 *       uses the card). A retried IM send carries the same IM {@code uuid}, so a card is never
 *       shown twice.
 *   <li><b>The preview never stays "[生成中...]".</b> {@link #finish} closes streaming and sets the
 *       chat-list summary; {@link #fail} does too, keeping the text shown so far and adding the
 *       error below it.
 *   <li><b>Long answers continue, they are not cut.</b> A card that has streamed for the window
 *       margin (default 9 minutes, Feishu closes streaming at 10), or whose text would take it past
 *       the card size budget (default 28 KiB of the 30 KiB limit), is closed with the summary
 *       "(continued)" and the text continues in a follow-up card sent to the same target (the same
 *       chat, or a reply to the same message). If the server still answers 200850 or 300309
 *       (streaming timed out), the stream re-opens streaming once per card, and continues in a
 *       follow-up card if it happens again.
 *   <li><b>Callers never wait for I/O.</b> {@link #append} and {@link #set} only record the text;
 *       updates are coalesced to at most the configured rate (default 10 per second per card).
 * </ul>
 *
 * <p>Limits: card creation has no idempotency key, so if the answer to a create is lost the retry
 * creates a second card entity (the first is never sent, nobody sees it). The stream fails,
 * completing its futures with a {@link CardStreamException}, on a refusal it cannot recover from
 * (for example 230002 bot not in the chat, 300311 not the card's app, 99991663 bad token) or when
 * one call keeps failing for the retry budget (default 2 minutes); text appended until then stays
 * in {@link #text()}.
 *
 * <p>Implementation notes: callers change the text under {@code lock} and wake the writer; the
 * writer ({@link StreamWriter}) runs as steps on the {@link Scheduler}, at most one scheduled or
 * running at a time ({@code scheduled}). A step snapshots the text under the lock, makes at most
 * one SDK call outside it, and schedules the next step: now, after the cadence or retry delay, or
 * not at all when there is nothing to do and no change arrived during the step ({@code version}).
 * Text before {@code frozen} belongs to closed cards and can no longer change.
 */
public final class CardStream {
  /** The {@code element_id} of the markdown element that holds the streamed text. */
  public static final String TEXT_ELEMENT_ID = "answer";

  /** The {@code element_id} of the note {@link #fail} adds below the text. */
  public static final String ERROR_ELEMENT_ID = "answer_error";

  /** The longest summary the stream derives from the text. */
  static final int PREVIEW_CHARS = 60;

  private final Scheduler scheduler;
  private final StreamWriter writer;
  private final CompletableFuture<CardRef> opened = new CompletableFuture<>();
  private final CompletableFuture<List<CardRef>> completion = new CompletableFuture<>();

  private final Object lock = new Object();
  private final StringBuilder text = new StringBuilder(); // guarded by lock
  private int frozen; // guarded by lock; leading characters of text that belong to closed cards
  private Ending ending; // guarded by lock; null until finish() or fail()
  private final ArrayDeque<Edit> edits = new ArrayDeque<>(); // guarded by lock
  private long version; // guarded by lock; bumped by every change the writer must see
  private boolean scheduled; // guarded by lock; a writer step is scheduled or running
  private CardStreamException failure; // guarded by lock; set once the stream failed

  CardStream(CardApi api, StreamSettings settings, Scheduler scheduler, Target target) {
    this.scheduler = scheduler;
    this.writer = new StreamWriter(this, api, settings, target);
    wake();
  }

  /**
   * Adds {@code delta} to the end of the text. Returns at once; the text reaches the card with the
   * next update.
   *
   * @throws IllegalStateException after {@link #finish} or {@link #fail}
   */
  public void append(CharSequence delta) {
    Objects.requireNonNull(delta, "delta");
    if (delta.length() == 0) {
      return;
    }
    synchronized (lock) {
      requireNotEnded();
      text.append(delta);
      version++;
    }
    wake();
  }

  /**
   * Replaces the whole text with {@code fullText} (for producers that hold the full text rather
   * than deltas). Returns at once.
   *
   * @throws IllegalStateException after {@link #finish} or {@link #fail}, or when {@code fullText}
   *     changes text that already moved on to a follow-up card (it must start with the text of the
   *     closed cards)
   */
  public void set(String fullText) {
    Objects.requireNonNull(fullText, "fullText");
    synchronized (lock) {
      requireNotEnded();
      if (!fullText.startsWith(text.substring(0, frozen))) {
        throw new IllegalStateException(
            "set() cannot change the first "
                + frozen
                + " characters: they are shown by cards already closed");
      }
      text.setLength(0);
      text.append(fullText);
      version++;
    }
    wake();
  }

  /**
   * Ends the stream with a summary derived from the text (its first line). See {@link
   * #finish(String, List)}.
   */
  public CompletableFuture<List<CardRef>> finish() {
    return finish(null, List.of());
  }

  /**
   * Ends the stream with {@code summary} as the chat-list preview. See {@link #finish(String,
   * List)}.
   */
  public CompletableFuture<List<CardRef>> finish(String summary) {
    return finish(summary, List.of());
  }

  /**
   * Ends the stream: sends the remaining text, adds {@code elements} below the text of the last
   * card, and closes streaming with {@code summary} as the chat-list preview (null: derived from
   * the text's first line).
   *
   * @param elements card JSON 2.0 components, each a JSON object as text (buttons, a select,
   *     notes…)
   * @return completes with every card of the answer, in order, once all of it is acknowledged;
   *     fails with a {@link CardStreamException} if the stream failed
   * @throws IllegalArgumentException if an element is not a JSON object with a {@code tag}, or uses
   *     {@link #TEXT_ELEMENT_ID}
   * @throws IllegalStateException if the stream was already ended
   */
  public CompletableFuture<List<CardRef>> finish(String summary, List<String> elements) {
    List<JsonObject> components =
        CardJson.components(Objects.requireNonNull(elements, "elements"), TEXT_ELEMENT_ID);
    end(new Ending(false, summary, components));
    return completion.copy();
  }

  /**
   * Ends the stream as failed: sends the remaining text, adds {@code message} as a note below it,
   * and closes streaming with the message as the preview.
   *
   * @return completes like {@link #finish(String, List)}
   * @throws IllegalStateException if the stream was already ended
   */
  public CompletableFuture<List<CardRef>> fail(String message) {
    Objects.requireNonNull(message, "message");
    String note = "⚠️ " + message;
    end(
        new Ending(
            true,
            CardJson.preview(note, PREVIEW_CHARS),
            List.of(CardJson.markdown(ERROR_ELEMENT_ID, note))));
    return completion.copy();
  }

  /**
   * Replaces an element of the last card once the stream has ended (for example the feedback
   * buttons by a thank you), through the same writer and sequence.
   *
   * @param elementJson the new component, a JSON object as text
   * @throws IllegalArgumentException if {@code elementJson} is not a JSON object with a {@code tag}
   */
  public CompletableFuture<Void> replaceElement(String elementId, String elementJson) {
    Objects.requireNonNull(elementId, "elementId");
    CardJson.component(elementJson, "elementJson");
    Edit edit = new Edit(elementId, elementJson, new CompletableFuture<>());
    synchronized (lock) {
      if (failure != null) {
        edit.done().completeExceptionally(failure);
        return edit.done().copy();
      }
      edits.add(edit);
      version++;
    }
    wake();
    return edit.done().copy();
  }

  /** Completes with the first card once it is shown; fails if the stream failed before. */
  public CompletableFuture<CardRef> opened() {
    return opened.copy();
  }

  /**
   * The same future {@link #finish} returns: complete once the stream ended and everything was
   * acknowledged.
   */
  public CompletableFuture<List<CardRef>> completion() {
    return completion.copy();
  }

  /** Everything appended (or set) so far. */
  public String text() {
    synchronized (lock) {
      return text.toString();
    }
  }

  /** The cards shown so far, in order. */
  public List<CardRef> cards() {
    return writer.cards();
  }

  // --- the writer's side
  // ----------------------------------------------------------------------------------------

  /** How the stream ends: finish or fail, with the preview and the components to add. */
  record Ending(boolean failed, String summary, List<JsonObject> elements) {}

  /** A queued {@link #replaceElement}. */
  record Edit(String elementId, String elementJson, CompletableFuture<Void> done) {}

  /** What the writer needs to plan its next call. */
  record Snapshot(String pending, String fullText, Ending ending, Edit edit, long version) {}

  Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(
          text.substring(frozen),
          ending == null ? null : text.toString(),
          ending,
          edits.peek(),
          version);
    }
  }

  /**
   * Marks {@code shown}, the start of the remaining text, as belonging to a closed card; false if
   * it no longer is.
   */
  boolean freeze(String shown) {
    synchronized (lock) {
      if (!text.substring(frozen).startsWith(shown)) {
        return false;
      }
      frozen += shown.length();
      return true;
    }
  }

  void removeEdit(Edit edit) {
    synchronized (lock) {
      edits.remove(edit);
    }
  }

  void opened(CardRef card) {
    opened.complete(card);
  }

  void completed(List<CardRef> cards) {
    completion.complete(cards);
  }

  /** Fails the stream's futures and queued edits; later calls to the writer do nothing. */
  void failed(CardStreamException e) {
    List<Edit> dropped;
    synchronized (lock) {
      failure = e;
      dropped = List.copyOf(edits);
      edits.clear();
    }
    opened.completeExceptionally(e);
    completion.completeExceptionally(e);
    dropped.forEach(edit -> edit.done().completeExceptionally(e));
  }

  /**
   * Ends the writer's run of steps unless something changed since {@code seenVersion}; true if it
   * went idle.
   */
  boolean idle(long seenVersion) {
    synchronized (lock) {
      if (version != seenVersion && failure == null) {
        return false;
      }
      scheduled = false;
      return true;
    }
  }

  /**
   * Schedules the next writer step; the caller holds the only claim on scheduling (a step is
   * running).
   */
  void scheduleNext(Duration delay) {
    try {
      scheduler.schedule(writer::step, delay);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        scheduled = false;
      }
      writer.stopped(e);
    }
  }

  private void end(Ending end) {
    synchronized (lock) {
      requireNotEnded();
      ending = end;
      version++;
    }
    wake();
  }

  private void requireNotEnded() {
    if (ending != null) {
      throw new IllegalStateException(
          "the stream was already ended with " + (ending.failed() ? "fail()" : "finish()"));
    }
  }

  private void wake() {
    synchronized (lock) {
      if (scheduled || failure != null) {
        return;
      }
      scheduled = true;
    }
    scheduleNext(Duration.ZERO);
  }
}
