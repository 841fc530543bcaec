package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N browser-like viewers on the load generator's own event loops. Each opens {@code /web/ws?user=} (offering
 * permessage-deflate as Chromium does when asked: {@code permessage-deflate; client_max_window_bits}), sends
 * {@code {"type":"resume","cards":{}}} first (the protocol's resume gate), then counts frames: card frames with their
 * latency (looked up by {@code (card_id, version)} in the {@link CardTrack.Registry}), gaps and duplicates per card,
 * snapshots, messages. It understands both versions of the web protocol ({@link FrameReader}): a v2 append array is
 * a card frame of the card its stream number was announced for on that connection. Viewer 0 is the probe: it may
 * connect through a byte-counting proxy, parses every frame fully, rebuilds each card's text from the increments and
 * counts payload bytes; it is left out of the latency figures. A {@link CardFrameListener} may hear of every card
 * frame of a known card, e.g. to pair two fleets' arrivals.
 */
public final class ViewerFleet implements AutoCloseable {
  /** Hears of each card frame, and each message frame, of a registered card as it arrives, on the viewer's event loop. */
  public interface CardFrameListener {
    CardFrameListener NONE = (track, version, arrivedNanos) -> {};

    void cardFrame(CardTrack track, long version, long arrivedNanos);

    /**
     * A message frame showed the card at {@code version}: the page holds every version up to it, and the server
     * sends no card frame for those it had not sent yet.
     */
    default void messageFrame(CardTrack track, long version, long arrivedNanos) {}
  }

  private static final String RESUME = "{\"type\":\"resume\",\"cards\":{}}";

  private final List<Context> loops;
  private final CardTrack.Registry registry;
  private final CardFrameListener listener;
  private final WebSocketClient client;
  private final List<Viewer> viewers = new ArrayList<>();
  private final AtomicLong unexpectedCloses = new AtomicLong();
  private final AtomicLong hellos = new AtomicLong();
  private final AtomicLong readyViewers = new AtomicLong();
  /** Cards first seen by a viewer are registered (without send times) when this is above 0: their max version. */
  private final int lazyCardMaxVersion;
  private volatile String readyCard;
  private final Map<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();
  private volatile Period step;
  private volatile Period window;
  private volatile boolean closing;
  private volatile long lastFrameNanos;
  private Viewer probe;

  ViewerFleet(Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers) {
    this(vertx, loops, registry, deflate, viewers, CardFrameListener.NONE, 0);
  }

  /** A fleet of at most {@code viewers} viewers on {@code loops}, telling {@code listener} of every card frame. */
  public ViewerFleet(Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers, CardFrameListener listener) {
    this(vertx, loops, registry, deflate, viewers, listener, 0);
  }

  /**
   * @param lazyCardMaxVersion above 0: a card no one registered is registered when a viewer first sees it (the
   *     reference's flat-out step, whose cards no schedule names), with this max version; 0: such frames are untimed
   */
  ViewerFleet(Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers, CardFrameListener listener,
      int lazyCardMaxVersion) {
    this.loops = loops;
    this.registry = registry;
    this.listener = listener;
    this.lazyCardMaxVersion = lazyCardMaxVersion;
    this.client = vertx.createWebSocketClient(clientOptions(deflate, viewers));
  }

  /**
   * The viewers' client options. With {@code deflate}, Vert.x (Netty's PerMessageDeflateClientExtensionHandshaker
   * with window size and no-context options at their defaults) offers exactly what Chromium offers,
   * {@code Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits} (ViewerHandshakeTest checks it).
   */
  static WebSocketClientOptions clientOptions(boolean deflate, int viewers) {
    return new WebSocketClientOptions()
        .setMaxConnections(viewers + 16)
        .setTryUsePerMessageCompression(deflate)
        .setTryUsePerFrameCompression(false)
        .setCompressionAllowClientNoContext(false)
        .setCompressionRequestServerNoContext(false)
        .setMaxMessageSize(4 * 1024 * 1024)
        .setConnectTimeout(60_000);
  }

  /**
   * Opens one viewer per user, spread round-robin over the event loops, at most {@code concurrency} handshakes at a
   * time; viewer 0 connects to {@code probePort} when it is positive. Blocks until all are open.
   */
  public void open(String host, int port, int probePort, List<String> users, int concurrency) throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(users.size());
    Viewer[] opened = new Viewer[users.size()];
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < users.size(); i++) {
      inFlight.acquire();
      int index = i;
      int loop = i % loops.size();
      int targetPort = i == 0 && probePort > 0 ? probePort : port;
      String uri = "/web/ws?user=" + users.get(i);
      loops.get(loop).runOnContext(v -> connect(host, targetPort, uri, 3).onComplete(ar -> {
        if (ar.succeeded()) {
          opened[index] = new Viewer(index, loop, index == 0, ar.result());
        } else {
          failures.add(users.get(index) + ": " + ar.cause());
        }
        inFlight.release();
        done.countDown();
      }));
    }
    if (!done.await(10, TimeUnit.MINUTES) || !failures.isEmpty()) {
      throw new IllegalStateException(failures.size() + " viewers failed to connect, e.g. " + (failures.isEmpty() ? "timeout" : failures.get(0)));
    }
    viewers.addAll(Arrays.asList(opened));
    probe = opened[0];
  }

  private Future<WebSocket> connect(String host, int port, String uri, int attempts) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri);
    return client.connect(options).recover(e -> attempts > 1 ? connect(host, port, uri, attempts - 1) : Future.failedFuture(e));
  }

  public int size() {
    return viewers.size();
  }

  /** Starts counting a step (all frames until {@link #endStep}). */
  public void startStep(long nanos) {
    step = new Period(nanos, loops.size());
  }

  /** Sets the measured window inside the step. */
  public void startWindow(long startNanos, long endNanos) {
    Period w = new Period(startNanos, loops.size());
    w.end(endNanos);
    window = w;
  }

  public Period window() {
    return window;
  }

  public Period endStep(long nanos) {
    Period s = step;
    s.end(nanos);
    return s;
  }

  /** When the last frame (of any viewer) arrived, {@link System#nanoTime()}. */
  public long lastFrameNanos() {
    return lastFrameNanos;
  }

  public long unexpectedCloses() {
    return unexpectedCloses.get();
  }

  /** Hello frames received: one per viewer the server registered (it says hello when it does). */
  public long hellos() {
    return hellos.get();
  }

  /** Waits until the server greeted every viewer (at most {@code timeoutSeconds}): it registered them. */
  public void awaitReady(long timeoutSeconds) throws InterruptedException {
    awaitReady(null, () -> {}, timeoutSeconds);
  }

  /**
   * Waits until the server greeted every viewer, then runs {@code trigger} (which makes a card frame of
   * {@code cardId}) and waits until every viewer received a card frame of that card, at most {@code timeoutSeconds}
   * in all: the server registered them and handled their resume.
   */
  public void awaitReady(String cardId, Runnable trigger, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (hellos.get() < viewers.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (hellos.get() < viewers.size()) {
      throw new IllegalStateException(hellos.get() + " of " + viewers.size() + " viewers were greeted by the server");
    }
    if (cardId == null) {
      return;
    }
    readyCard = cardId;
    trigger.run();
    while (readyViewers.get() < viewers.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    readyCard = null;
    if (readyViewers.get() < viewers.size()) {
      throw new IllegalStateException(readyViewers.get() + " of " + viewers.size() + " viewers received a card frame of the sentinel card " + cardId);
    }
  }

  Map<Integer, AtomicLong> closeCodes() {
    return closeCodes;
  }

  /** Sums a period's tallies, reading each on its own event loop. */
  public Tally sum(Period period) {
    Tally total = new Tally();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      int loop = i;
      CompletableFuture<Void> read = new CompletableFuture<>();
      loops.get(i).runOnContext(v -> {
        synchronized (total) {
          total.add(period.perLoop[loop]);
        }
        read.complete(null);
      });
      reads.add(read);
    }
    CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
    synchronized (total) {
      return total;
    }
  }

  /** The probe's rebuilt texts and offset errors, read on its event loop. */
  public ProbeView probeView() {
    CompletableFuture<ProbeView> view = new CompletableFuture<>();
    loops.get(probe.loop).runOnContext(v -> {
      Map<String, String> texts = new HashMap<>();
      probe.building.forEach((cardId, text) -> texts.put(cardId, text.toString()));
      view.complete(new ProbeView(texts, probe.offsetErrors, probe.firstVersionErrors, probe.unknownStreams));
    });
    return view.join();
  }

  /**
   * What the probe rebuilt: text per card id; how many v1 appends did not start where its text ended; how many first
   * appends of a card were not at the first content version; how many v2 appends named a stream never announced.
   */
  public record ProbeView(Map<String, String> texts, long offsetErrors, long firstVersionErrors, long unknownStreams) {}

  @Override
  public void close() {
    closing = true;
    List<Future<Void>> closes = new ArrayList<>();
    for (Viewer viewer : viewers) {
      Promise<Void> closed = Promise.promise();
      loops.get(viewer.loop).runOnContext(v -> viewer.ws.close().onComplete(ar -> closed.complete()));
      closes.add(closed.future());
    }
    try {
      Future.all(closes).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    client.close();
  }

  /** What a v2 stream number stands for on one connection: an element of a card (and the card's track once known). */
  private static final class Stream {
    final String cardId;
    final String elementId;
    CardTrack track;

    Stream(String cardId, String elementId, CardTrack track) {
      this.cardId = cardId;
      this.elementId = elementId;
      this.track = track;
    }
  }

  /** One socket; confined to its event loop. */
  private final class Viewer {
    final int loop;
    final boolean isProbe;
    final WebSocket ws;
    private long[] lastVersion = new long[64]; // by CardTrack.index; 0 = no anchor yet
    private Stream[] streams = new Stream[64]; // v2: by stream number k, this connection's announcements
    private boolean ready;
    // probe only
    private final Map<String, StringBuilder> building = new HashMap<>();
    private long offsetErrors;
    private long firstVersionErrors;
    private long unknownStreams;

    Viewer(int index, int loop, boolean isProbe, WebSocket ws) {
      this.loop = loop;
      this.isProbe = isProbe;
      this.ws = ws;
      ws.textMessageHandler(this::onText);
      ws.closeHandler(v -> {
        if (!closing) {
          unexpectedCloses.incrementAndGet();
          Short code = ws.closeStatusCode();
          closeCodes.computeIfAbsent(code == null ? -1 : (int) code, k -> new AtomicLong()).incrementAndGet();
        }
      });
      ws.exceptionHandler(e -> {});
      ws.writeTextMessage(RESUME);
    }

    private void onText(String s) {
      long now = System.nanoTime();
      lastFrameNanos = now;
      Period st = step;
      Period w = window;
      Tally a = st == null ? null : st.at(now, loop);
      Tally b = w == null ? null : w.at(now, loop);
      FrameReader.Kind kind = FrameReader.kind(s);
      if (isProbe) {
        int bytes = Corpus.utf8(s);
        if (a != null) {
          a.probePayloadBytes += bytes;
          a.probeFrames++;
        }
        if (b != null) {
          b.probePayloadBytes += bytes;
          b.probeFrames++;
        }
      }
      switch (kind) {
        case CARD: {
          String cardId = FrameReader.string(s, "card_id");
          long version = FrameReader.number(s, "version");
          if (isProbe) {
            probeCard(s, cardId);
          }
          cardFrame(cardId, cardId == null ? null : track(cardId), version, now, a, b, false);
          break;
        }
        case APPEND: {
          long k = FrameReader.appendStream(s);
          long version = FrameReader.appendVersion(s);
          Stream stream = k >= 0 && k < streams.length ? streams[(int) k] : null;
          if (stream == null) {
            unknownStreams++;
            count(a, b, t -> t.unknownStreams++);
            break;
          }
          if (stream.track == null) {
            stream.track = track(stream.cardId);
          }
          if (isProbe) {
            probeAppend(s, stream, version);
          }
          cardFrame(stream.cardId, stream.track, version, now, a, b, true);
          break;
        }
        case STREAM: {
          long k = FrameReader.number(s, "k");
          String cardId = FrameReader.string(s, "card_id");
          if (k < 0 || k > 10_000_000 || cardId == null) {
            count(a, b, t -> t.otherFrames++);
            break;
          }
          if (k >= streams.length) {
            streams = Arrays.copyOf(streams, (int) Math.max(k + 1, streams.length * 2L));
          }
          streams[(int) k] = new Stream(cardId, FrameReader.string(s, "element_id"), track(cardId));
          count(a, b, t -> t.streamFrames++);
          break;
        }
        case SNAPSHOT: {
          String cardId = FrameReader.string(s, "card_id");
          CardTrack track = cardId == null ? null : track(cardId);
          if (track != null) {
            last(track.index);
            lastVersion[track.index] = FrameReader.number(s, "version");
          }
          if (isProbe) {
            JsonNode f = Json.parseOrNull(s);
            building.put(f.path("card_id").asText(), new StringBuilder(mdContent(f.path("card"))));
          }
          count(a, b, t -> t.snapshots++);
          break;
        }
        case MESSAGE: {
          JsonNode card = Json.parseOrNull(s).path("message").path("card");
          CardTrack track = card.isObject() ? track(card.path("card_id").asText()) : null;
          if (track != null) {
            long version = card.path("version").asLong();
            if (version > last(track.index)) {
              lastVersion[track.index] = version;
            }
            listener.messageFrame(track, version, now);
          }
          if (isProbe && card.isObject()) {
            building.put(card.path("card_id").asText(), new StringBuilder(mdContent(card.path("card"))));
          }
          count(a, b, t -> t.messages++);
          break;
        }
        case HELLO:
          hellos.incrementAndGet();
          count(a, b, t -> t.otherFrames++);
          break;
        default:
          count(a, b, t -> t.otherFrames++);
          break;
      }
    }

    /** The card's track: registered by the bots (or the reference's schedule), or now when this fleet registers unknown cards. */
    private CardTrack track(String cardId) {
      CardTrack track = registry.get(cardId);
      return track != null || lazyCardMaxVersion <= 0 ? track : registry.getOrRegister(cardId, lazyCardMaxVersion);
    }

    /** A card frame (a v1 object of any op, or a v2 append array) of {@code cardId} at {@code version}. */
    private void cardFrame(String cardId, CardTrack track, long version, long now, Tally a, Tally b, boolean v2Append) {
      String awaited = readyCard;
      if (awaited != null && !ready && awaited.equals(cardId)) {
        ready = true;
        readyViewers.incrementAndGet();
      }
      int order = 0; // 0 in order, 1 gap, 2 duplicate, 3 no anchor
      long latencyMicros = -1;
      if (track != null) {
        long last = last(track.index);
        if (last == 0) {
          order = 3;
        } else if (version <= last) {
          order = 2;
        } else if (version > last + 1) {
          order = 1;
        }
        if (version > last) {
          lastVersion[track.index] = version;
        }
        long sent = track.sentNanos(version);
        latencyMicros = sent == 0 ? -1 : (now - sent) / 1000;
        listener.cardFrame(track, version, now);
      }
      countCard(a, order, latencyMicros, v2Append);
      countCard(b, order, latencyMicros, v2Append);
    }

    private void count(Tally a, Tally b, java.util.function.Consumer<Tally> what) {
      if (a != null) {
        what.accept(a);
      }
      if (b != null) {
        what.accept(b);
      }
    }

    private void countCard(Tally t, int order, long latencyMicros, boolean v2Append) {
      if (t == null) {
        return;
      }
      t.cardFrames++;
      if (v2Append) {
        t.v2Appends++;
      }
      switch (order) {
        case 1: t.gaps++; break;
        case 2: t.duplicates++; break;
        case 3: t.unanchored++; break;
        default: break;
      }
      if (latencyMicros < 0) {
        t.untimed++;
      } else if (!isProbe) {
        t.latency.record(latencyMicros);
      }
    }

    private long last(int index) {
      if (index >= lastVersion.length) {
        lastVersion = Arrays.copyOf(lastVersion, Math.max(index + 1, lastVersion.length * 2));
      }
      return lastVersion[index];
    }

    /** The probe applies a v1 card frame to the text it rebuilds, as the page does. */
    private void probeCard(String s, String cardId) {
      StringBuilder text = cardId == null ? null : building.get(cardId);
      if (text == null) {
        return; // a reference frame, or a card whose message frame came before this viewer opened
      }
      JsonNode f = Json.parseOrNull(s);
      if (!BotFleet.ELEMENT_ID.equals(f.path("element_id").asText(BotFleet.ELEMENT_ID))) {
        return;
      }
      String op = f.path("op").asText();
      if ("append".equals(op)) {
        int offset = f.path("offset").asInt();
        if (offset != text.length()) {
          offsetErrors++;
        }
        if (offset == 0 && f.path("version").asLong() != BotFleet.FIRST_CONTENT_VERSION) {
          firstVersionErrors++;
        }
        text.setLength(Math.min(text.length(), offset));
        text.append(f.path("text").asText());
      } else if ("replace".equals(op)) {
        text.setLength(0);
        text.append(f.path("text").asText());
      }
    }

    /** The probe applies a v2 append: the text goes at the end of the element (the offset is implied). */
    private void probeAppend(String s, Stream stream, long version) {
      StringBuilder text = building.get(stream.cardId);
      if (text == null || !BotFleet.ELEMENT_ID.equals(stream.elementId)) {
        return;
      }
      if (text.length() == 0 && version != BotFleet.FIRST_CONTENT_VERSION) {
        firstVersionErrors++;
      }
      String appended = FrameReader.appendText(s);
      if (appended != null) {
        text.append(appended);
      }
    }
  }

  private static String mdContent(JsonNode card) {
    for (JsonNode element : card.path("body").path("elements")) {
      if (BotFleet.ELEMENT_ID.equals(element.path("element_id").asText())) {
        return element.path("content").asText();
      }
    }
    return "";
  }
}
