package io.opencardkit.server.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One browser socket: which card versions it was sent, and the slow-client policy.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Confined to its {@link ViewerShard}'s context (the socket's event loop): no locks. The
 *       shard hands it frames per card in version order.
 *   <li>A card frame is written only if its version is the one after the last written for that
 *       card; versions at or below are skipped (duplicates), a version further ahead means a gap
 *       and asks the hub for a snapshot. Frames of a card waiting for its snapshot are dropped: the
 *       snapshot supersedes them.
 *   <li>Backpressure: when the socket's bounded write queue is full, card frames are not written;
 *       the card is marked stale. When the queue drains, each stale card gets one snapshot. So what
 *       is queued for a slow browser is at most the socket's queue, plus at most {@value
 *       #MAX_PENDING_CONTROL} message/preview frames (those cannot be rebuilt from a snapshot); a
 *       browser that falls further behind is closed with 1013 and reloads over HTTP.
 *   <li>Until the page's first {@code resume}, no card frames are written: a reconnecting page must
 *       first say which versions it holds. Message and preview frames flow from the start.
 *   <li>Memory: the last version written is kept per card only while the card is active (the hub
 *       calls {@link #cardWentQuiet} when its resume window is dropped), so a viewer that stays
 *       connected to a busy chat does not grow with every card ever streamed there.
 *   <li>Compact append frames name an {@link AppendStream} by number; before the first one of a
 *       stream the connection writes the stream's announcement. The streams announced are forgotten
 *       with the card. In a cluster a number may stand for different streams (each node numbers its
 *       own, and frames another node built are sent as it built them): a number announced for
 *       another stream is announced again, and the page follows the latest announcement
 *       (docs/web-protocol.md).
 * </ul>
 */
final class ViewerConnection {
  /** Message and preview frames kept while the socket is full; beyond that the socket is closed. */
  static final int MAX_PENDING_CONTROL = 64;

  /** WebSocket close code "try again later". */
  static final short TRY_AGAIN_LATER = 1013;

  /** The node is stopping: the page reconnects at once and resumes (issue 12). */
  static final short GOING_AWAY = 1001;

  /** The socket as the connection needs it ({@link NettySocket}). */
  interface Socket {
    /** Whether the bounded write queue is full; callable from any thread. */
    boolean writeQueueFull();

    /**
     * Queues a frame; the socket flushes what was queued once the current task of its event loop is
     * done.
     */
    void write(OutFrame frame);

    /**
     * Starts the close handshake; a peer that does not complete it in time is dropped at the TCP
     * level.
     */
    void close(short code, String reason);
  }

  /** Builds snapshots for a connection (the hub). */
  interface Snapshots {
    /** Eventually calls {@link #snapshot}, {@link #upToDate} or {@link #forget} for the card. */
    void request(ViewerConnection connection, String cardId);
  }

  private record Control(OutFrame frame, String cardId, long cardVersion) {}

  /** The last version of a card a socket was written. */
  private static final class Written {
    long version;

    Written(long version) {
      this.version = version;
    }
  }

  /** The per-card state of one socket. */
  private static final class CardBook {
    /**
     * The last version written (or held by the page) per card; a mutable holder, so that a frame
     * written to a known card costs one lookup and no boxing.
     */
    final Map<String, Written> written = new HashMap<>();

    /**
     * Cards whose frames were skipped: one snapshot each on drain, in the order they went stale.
     */
    final Set<String> stale = new LinkedHashSet<>();

    final Set<String> awaitingSnapshot = new HashSet<>();

    /** Stream number → what it last meant on this socket. */
    final Map<Long, AppendStream> announced = new HashMap<>();

    /** Whether the card's frames are being skipped: it is stale, or a snapshot is on its way. */
    boolean skipping(String cardId) {
      return (!stale.isEmpty() && stale.contains(cardId))
          || (!awaitingSnapshot.isEmpty() && awaitingSnapshot.contains(cardId));
    }

    /** The page holds {@code version} of the card now. */
    void wrote(String cardId, long version) {
      Written last = written.get(cardId);
      if (last == null) {
        written.put(cardId, new Written(version));
      } else {
        last.version = version;
      }
    }

    /** The page holds {@code version} of the card, or a later one it already had. */
    void atLeast(String cardId, long version) {
      Written last = written.get(cardId);
      if (last == null) {
        written.put(cardId, new Written(version));
      } else {
        last.version = Math.max(last.version, version);
      }
    }

    boolean isEmpty() {
      return written.isEmpty()
          && stale.isEmpty()
          && awaitingSnapshot.isEmpty()
          && announced.isEmpty();
    }
  }

  private final String openId;
  private final Set<String> chatIds;
  private final Socket socket;
  private final Snapshots snapshots;
  private final ViewerStats stats;

  /**
   * What the socket tracks per card; {@code null} while it tracks none (an idle viewer), since most
   * sockets of a node are idle and the empty collections alone cost ~350 bytes each.
   */
  private CardBook cards;

  /** Message and preview frames waiting for the queue to drain; {@code null} while none waited. */
  private ArrayDeque<Control> pendingControl;

  private boolean resumed;
  private boolean closed;

  ViewerConnection(
      String openId, Set<String> chatIds, Socket socket, Snapshots snapshots, ViewerStats stats) {
    this.openId = openId;
    this.chatIds = Set.copyOf(chatIds);
    this.socket = socket;
    this.snapshots = snapshots;
    this.stats = stats;
  }

  String openId() {
    return openId;
  }

  Set<String> chatIds() {
    return chatIds;
  }

  boolean canSee(String chatId) {
    return chatId != null && chatIds.contains(chatId);
  }

  boolean hasStaleCards() {
    return (cards != null && !cards.stale.isEmpty()) || controlPending();
  }

  /** Writes a frame that is not about one card version (hello). */
  void writeDirect(OutFrame frame) {
    if (!closed) {
      socket.write(frame);
    }
  }

  /** One card frame, offered in version order. */
  void offerCard(String cardId, long version, OutFrame frame) {
    if (closed || !resumed) {
      return;
    }
    CardBook book = cards();
    if (book.skipping(cardId)) {
      stats.deltaSkipped();
      return;
    }
    Written last = book.written.get(cardId);
    if (last != null) {
      if (version <= last.version) {
        return;
      }
      if (version != last.version + 1) {
        requestSnapshot(cardId);
        return;
      }
    }
    if (full()) {
      book.stale.add(cardId);
      stats.deltaSkipped();
      return;
    }
    writeCard(book, frame);
    if (last == null) {
      book.written.put(cardId, new Written(version));
    } else {
      last.version = version;
    }
  }

  /** The page says it holds {@code version} of a card; what follows is relative to that. */
  void resumeFrom(String cardId, long version) {
    resumed = true;
    CardBook book = cards();
    book.wrote(cardId, version);
    book.stale.remove(cardId);
  }

  /** The page's resume frame was handled (also when it listed no card). */
  void markResumed() {
    resumed = true;
  }

  /** A snapshot the hub built for this connection (or for every viewer of the card). */
  void snapshot(String cardId, long version, OutFrame frame) {
    CardBook book = cards();
    book.awaitingSnapshot.remove(cardId);
    if (closed) {
      return;
    }
    Written last = book.written.get(cardId);
    if (last != null && version <= last.version && !book.stale.contains(cardId)) {
      return; // the page already holds this version or a later one
    }
    if (full()) {
      book.stale.add(cardId);
      return;
    }
    book.stale.remove(cardId);
    socket.write(frame);
    book.wrote(cardId, version);
    stats.snapshotSent();
  }

  /** The card is at the version the page holds: nothing to send. */
  void upToDate(String cardId, long version) {
    CardBook book = cards();
    book.awaitingSnapshot.remove(cardId);
    book.atLeast(cardId, version);
  }

  /**
   * The card's resume window is gone (no event for a while): stop tracking the version written,
   * unless a snapshot is still owed. A later frame of the card is then written as for a card first
   * seen; it follows the last one written, since frames are offered in version order and skipped
   * ones leave the card stale.
   */
  void cardWentQuiet(String cardId) {
    CardBook book = cards;
    if (book == null) {
      return;
    }
    if (!book.stale.contains(cardId) && !book.awaitingSnapshot.contains(cardId)) {
      book.written.remove(cardId);
    }
    book.announced.values().removeIf(stream -> stream.cardId().equals(cardId));
    dropBookIfEmpty();
  }

  /** Cards whose last written version is tracked. */
  int trackedCards() {
    return cards == null ? 0 : cards.written.size();
  }

  /** The card is unknown or not in this viewer's chats. */
  void forget(String cardId) {
    CardBook book = cards;
    if (book == null) {
      return;
    }
    book.awaitingSnapshot.remove(cardId);
    book.stale.remove(cardId);
    book.written.remove(cardId);
    book.announced.values().removeIf(stream -> stream.cardId().equals(cardId));
    dropBookIfEmpty();
  }

  /** Append streams announced on this socket and not forgotten yet. */
  int announcedStreams() {
    return cards == null ? 0 : cards.announced.size();
  }

  /** Whether the socket keeps per-card state (none for a viewer that met no card, or no more). */
  boolean tracksCards() {
    return cards != null;
  }

  /**
   * A message or preview frame; {@code cardId}/{@code cardVersion} name the card version a message
   * frame carries ({@code null}/0 otherwise).
   */
  void offerControl(OutFrame frame, String cardId, long cardVersion) {
    if (closed) {
      return;
    }
    if (!controlPending() && !socket.writeQueueFull()) {
      writeControl(new Control(frame, cardId, cardVersion));
      return;
    }
    if (pendingControl == null) {
      pendingControl = new ArrayDeque<>();
    }
    if (pendingControl.size() >= MAX_PENDING_CONTROL) {
      stats.slowClientClosed();
      close(TRY_AGAIN_LATER, "too slow: reload over HTTP");
      return;
    }
    pendingControl.addLast(new Control(frame, cardId, cardVersion));
  }

  /** The socket's queue drained: pending messages first, then one snapshot per stale card. */
  void drained() {
    while (controlPending()) {
      if (closed || socket.writeQueueFull()) {
        return;
      }
      writeControl(pendingControl.removeFirst());
    }
    pendingControl = null; // a burst's queue is not kept for the socket's whole life
    CardBook book = cards;
    if (book == null) {
      return;
    }
    for (String cardId : new ArrayList<>(book.stale)) {
      if (closed || socket.writeQueueFull()) {
        return;
      }
      book.stale.remove(cardId);
      requestSnapshot(cardId);
    }
  }

  void close(short code, String reason) {
    if (!closed) {
      closed = true;
      socket.close(code, reason);
    }
  }

  /** The socket closed; nothing more is written. */
  void closed() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  private boolean full() {
    return controlPending() || socket.writeQueueFull();
  }

  private boolean controlPending() {
    return pendingControl != null && !pendingControl.isEmpty();
  }

  private CardBook cards() {
    if (cards == null) {
      cards = new CardBook();
    }
    return cards;
  }

  private void dropBookIfEmpty() {
    if (cards != null && cards.isEmpty()) {
      cards = null;
    }
  }

  private void writeCard(CardBook book, OutFrame frame) {
    AppendStream stream = frame.stream();
    if (stream != null) {
      AppendStream known = book.announced.put(stream.number(), stream);
      if (known == null
          || !known.cardId().equals(stream.cardId())
          || !known.elementId().equals(stream.elementId())) {
        socket.write(stream.announcement());
      }
    }
    socket.write(frame);
  }

  private void writeControl(Control control) {
    socket.write(control.frame());
    if (control.cardId() != null) {
      cards().atLeast(control.cardId(), control.cardVersion());
    }
  }

  private void requestSnapshot(String cardId) {
    if (cards().awaitingSnapshot.add(cardId)) {
      snapshots.request(this, cardId);
    }
  }
}
