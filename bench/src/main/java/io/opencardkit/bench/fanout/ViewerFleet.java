package io.opencardkit.bench.fanout;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N browser-like viewers on the load generator's own event loops. Each opens {@code /web/ws?user=}
 * (offering permessage-deflate as Chromium does when asked: {@code permessage-deflate;
 * client_max_window_bits}), sends {@code {"type":"resume","cards":{}}} first (the protocol's resume
 * gate), then counts frames: card frames with their latency (looked up by {@code (card_id,
 * version)} in the {@link CardTrack.Registry}), gaps and duplicates per card, snapshots, messages.
 * It understands both versions of the web protocol ({@link FrameReader}): a v2 append array is a
 * card frame of the card its stream number was announced for on that connection. Viewer 0 is the
 * probe: it may connect through a byte-counting proxy, parses every frame fully, rebuilds each
 * card's text from the increments and counts payload bytes; it is left out of the latency figures.
 * A {@link CardFrameListener} may hear of every card frame of a known card, e.g. to pair two
 * fleets' arrivals.
 */
public final class ViewerFleet implements AutoCloseable {
  /**
   * Hears of each card frame, and each message frame, of a registered card as it arrives, on the
   * viewer's event loop.
   */
  public interface CardFrameListener {
    CardFrameListener NONE = (track, version, arrivedNanos) -> {};

    void cardFrame(CardTrack track, long version, long arrivedNanos);

    /**
     * A message frame showed the card at {@code version}: the page holds every version up to it,
     * and the server sends no card frame for those it had not sent yet.
     */
    default void messageFrame(CardTrack track, long version, long arrivedNanos) {}
  }

  private static final String RESUME = "{\"type\":\"resume\",\"cards\":{}}";

  private final List<Context> loops;
  private final CardTrack.Registry registry;
  private final CardFrameListener listener;
  private final boolean deflate;
  private final WebSocketClient client;
  private final List<Viewer> viewers = new ArrayList<>();
  private final AtomicLong unexpectedCloses = new AtomicLong();
  private final AtomicLong hellos = new AtomicLong();
  private final AtomicLong readyViewers = new AtomicLong();

  /**
   * Cards first seen by a viewer are registered (without send times) when this is above 0: their
   * max version.
   */
  private final int lazyCardMaxVersion;

  private volatile String readyCard;
  private final Map<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();
  private volatile Period step;
  private volatile Period window;
  private volatile boolean closing;
  private volatile long lastFrameNanos;
  private Viewer probe;

  ViewerFleet(
      Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers) {
    this(vertx, loops, registry, deflate, viewers, CardFrameListener.NONE, 0);
  }

  /**
   * A fleet of at most {@code viewers} viewers on {@code loops}, telling {@code listener} of every
   * card frame.
   */
  public ViewerFleet(
      Vertx vertx,
      List<Context> loops,
      CardTrack.Registry registry,
      boolean deflate,
      int viewers,
      CardFrameListener listener) {
    this(vertx, loops, registry, deflate, viewers, listener, 0);
  }

  /**
   * @param lazyCardMaxVersion above 0: a card no one registered is registered when a viewer first
   *     sees it (the reference's flat-out step, whose cards no schedule names), with this max
   *     version; 0: such frames are untimed
   */
  ViewerFleet(
      Vertx vertx,
      List<Context> loops,
      CardTrack.Registry registry,
      boolean deflate,
      int viewers,
      CardFrameListener listener,
      int lazyCardMaxVersion) {
    this.loops = loops;
    this.registry = registry;
    this.listener = listener;
    this.lazyCardMaxVersion = lazyCardMaxVersion;
    this.deflate = deflate;
    this.client = vertx.createWebSocketClient(clientOptions(deflate, viewers));
  }

  /**
   * Whether viewers accept a server's {@code client_no_context_takeover} (this process's command
   * sets it once). Chromium accepts it without offering it; Netty's client accepts it only when it
   * also offers it, so with this set the offer gains {@code client_no_context_takeover}. That
   * changes nothing for a server that answers it unasked (OpenCardKit's shared compression does),
   * but it would change a server that honours what is offered (Vert.x's default, the jars before
   * issue 9): there the Chromium offer alone is measured.
   */
  private static volatile boolean acceptClientNoContext;

  public static void acceptClientNoContext(boolean accept) {
    acceptClientNoContext = accept;
  }

  /** What Chromium offers on every WebSocket it opens. */
  static final String CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits";

  /**
   * The viewers' client options: with {@code deflate}, Vert.x installs Netty's permessage-deflate
   * client (it inflates what the server compresses). On its own it offers a bare {@code
   * permessage-deflate}: Netty announces {@code client_max_window_bits} only when JZlib is on the
   * classpath (the JDK's Deflater cannot shrink its window), so {@link #connectOptions} adds the
   * header that makes the offer Chromium's (ViewerHandshakeTest checks it).
   */
  static WebSocketClientOptions clientOptions(boolean deflate, int viewers) {
    return new WebSocketClientOptions()
        .setMaxConnections(viewers + 16)
        .setTryUsePerMessageCompression(deflate)
        .setTryUsePerFrameCompression(false)
        .setCompressionAllowClientNoContext(deflate && acceptClientNoContext)
        .setCompressionRequestServerNoContext(false)
        .setMaxMessageSize(4 * 1024 * 1024)
        .setConnectTimeout(60_000);
  }

  /**
   * Opens one viewer per user, spread round-robin over the event loops, at most {@code concurrency}
   * handshakes at a time; viewer 0 connects to {@code probePort} when it is positive. Blocks until
   * all are open.
   */
  public void open(String host, int port, int probePort, List<String> users, int concurrency)
      throws InterruptedException {
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
      loops
          .get(loop)
          .runOnContext(
              v ->
                  connect(host, targetPort, uri, 3)
                      .onComplete(
                          ar -> {
                            if (ar.succeeded()) {
                              opened[index] = new Viewer(loop, index == 0, ar.result());
                            } else {
                              failures.add(users.get(index) + ": " + ar.cause());
                            }
                            inFlight.release();
                            done.countDown();
                          }));
    }
    if (!done.await(10, TimeUnit.MINUTES) || !failures.isEmpty()) {
      throw new IllegalStateException(
          failures.size()
              + " viewers failed to connect, e.g. "
              + (failures.isEmpty() ? "timeout" : failures.get(0)));
    }
    viewers.addAll(Arrays.asList(opened));
    probe = opened[0];
  }

  /**
   * The handshake of one viewer. With {@code deflate}, the extension header {@link
   * #CHROMIUM_OFFER}: Netty merges it with its own offer (same extension: the parameters add up),
   * so the server sees exactly what Chromium sends. A server may then answer {@code
   * server_no_context_takeover} or {@code server_max_window_bits=N}, which the client accepts as
   * Chromium does; an answer with {@code client_max_window_bits=N} (N &lt; 15) it would refuse,
   * failing the handshake (Chromium would shrink its own window): servers built on Vert.x do not
   * send one unless told to.
   */
  static WebSocketConnectOptions connectOptions(
      String host, int port, String uri, boolean deflate) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri);
    if (deflate) {
      options.addHeader("Sec-WebSocket-Extensions", CHROMIUM_OFFER);
    }
    return options;
  }

  private Future<WebSocket> connect(String host, int port, String uri, int attempts) {
    WebSocketConnectOptions options = connectOptions(host, port, uri, deflate);
    return client
        .connect(options)
        .recover(
            e -> attempts > 1 ? connect(host, port, uri, attempts - 1) : Future.failedFuture(e));
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

  /**
   * Waits until the server greeted every viewer (at most {@code timeoutSeconds}): it registered
   * them.
   */
  public void awaitReady(long timeoutSeconds) throws InterruptedException {
    awaitReady(null, () -> {}, timeoutSeconds);
  }

  /**
   * Waits until the server greeted every viewer, then runs {@code trigger} (which makes a card
   * frame of {@code cardId}) and waits until every viewer received a card frame of that card, at
   * most {@code timeoutSeconds} in all: the server registered them and handled their resume.
   */
  public void awaitReady(String cardId, Runnable trigger, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (hellos.get() < viewers.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (hellos.get() < viewers.size()) {
      throw new IllegalStateException(
          hellos.get() + " of " + viewers.size() + " viewers were greeted by the server");
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
      throw new IllegalStateException(
          readyViewers.get()
              + " of "
              + viewers.size()
              + " viewers received a card frame of the sentinel card "
              + cardId);
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
      loops
          .get(i)
          .runOnContext(
              v -> {
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
    loops
        .get(probe.loop)
        .runOnContext(
            v -> {
              view.complete(probe.frames.probeView());
            });
    return view.join();
  }

  /**
   * What the probe rebuilt: text per card id; how many v1 appends did not start where its text
   * ended; how many first appends of a card were not at the first content version; how many v2
   * appends named a stream never announced.
   */
  public record ProbeView(
      Map<String, String> texts, long offsetErrors, long firstVersionErrors, long unknownStreams) {}

  @Override
  public void close() {
    closing = true;
    List<Future<Void>> closes = new ArrayList<>();
    for (Viewer viewer : viewers) {
      Promise<Void> closed = Promise.promise();
      loops
          .get(viewer.loop)
          .runOnContext(v -> viewer.ws.close().onComplete(ar -> closed.complete()));
      closes.add(closed.future());
    }
    try {
      Future.all(closes).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    client.close();
  }

  /**
   * One socket; confined to its event loop. What it makes of its frames is {@link ViewerFrames}'s.
   */
  private final class Viewer implements ViewerFrames.Fleet {
    final int loop;
    final WebSocket ws;
    final ViewerFrames frames;

    Viewer(int loop, boolean isProbe, WebSocket ws) {
      this.loop = loop;
      this.ws = ws;
      this.frames = new ViewerFrames(registry, listener, lazyCardMaxVersion, isProbe, this);
      ws.textMessageHandler(this::onText);
      ws.closeHandler(
          v -> {
            if (!closing) {
              unexpectedCloses.incrementAndGet();
              Short code = ws.closeStatusCode();
              closeCodes
                  .computeIfAbsent(code == null ? -1 : (int) code, k -> new AtomicLong())
                  .incrementAndGet();
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
      frames.onFrame(
          s, now, st == null ? null : st.at(now, loop), w == null ? null : w.at(now, loop));
    }

    @Override
    public String readyCard() {
      return readyCard;
    }

    @Override
    public void ready() {
      readyViewers.incrementAndGet();
    }

    @Override
    public void hello() {
      hellos.incrementAndGet();
    }
  }
}
