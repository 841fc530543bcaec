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
 * N browser-like viewers on the load generator's own event loops. Each opens {@code /web/ws?user=}, sends
 * {@code {"type":"resume","cards":{}}} first (the protocol's resume gate), then counts frames: card frames with their
 * latency (looked up by {@code (card_id, version)} in the {@link CardTrack.Registry}), gaps and duplicates per card,
 * snapshots, messages. Viewer 0 is the probe: it may connect through a byte-counting proxy, parses every frame fully,
 * rebuilds each card's text from the increments and counts payload bytes; it is left out of the latency figures.
 * A {@link CardFrameListener} may hear of every card frame of a known card, e.g. to pair two fleets' arrivals.
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

  private static final String CARD = "{\"type\":\"card\",";
  private static final String SNAPSHOT = "{\"type\":\"snapshot\",";
  private static final String MESSAGE = "{\"type\":\"message\",";
  private static final String RESUME = "{\"type\":\"resume\",\"cards\":{}}";

  private final List<Context> loops;
  private final CardTrack.Registry registry;
  private final CardFrameListener listener;
  private final WebSocketClient client;
  private final List<Viewer> viewers = new ArrayList<>();
  private final AtomicLong unexpectedCloses = new AtomicLong();
  private final Map<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();
  private volatile Period step;
  private volatile Period window;
  private volatile boolean closing;
  private volatile long lastFrameNanos;
  private Viewer probe;

  ViewerFleet(Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers) {
    this(vertx, loops, registry, deflate, viewers, CardFrameListener.NONE);
  }

  /** A fleet of at most {@code viewers} viewers on {@code loops}, telling {@code listener} of every card frame. */
  public ViewerFleet(Vertx vertx, List<Context> loops, CardTrack.Registry registry, boolean deflate, int viewers, CardFrameListener listener) {
    this.loops = loops;
    this.registry = registry;
    this.listener = listener;
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(viewers + 16)
                .setTryUsePerMessageCompression(deflate)
                .setTryUsePerFrameCompression(false)
                .setMaxMessageSize(4 * 1024 * 1024)
                .setConnectTimeout(60_000));
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
      view.complete(new ProbeView(texts, probe.offsetErrors, probe.firstVersionErrors));
    });
    return view.join();
  }

  /** What the probe rebuilt: text per card id, and how many appends did not start where its text ended. */
  public record ProbeView(Map<String, String> texts, long offsetErrors, long firstVersionErrors) {}

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

  /** One socket; confined to its event loop. */
  private final class Viewer {
    final int loop;
    final boolean isProbe;
    final WebSocket ws;
    private long[] lastVersion = new long[64]; // by CardTrack.index; 0 = no anchor yet
    // probe only
    private final Map<String, StringBuilder> building = new HashMap<>();
    private long offsetErrors;
    private long firstVersionErrors;

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
        probe(s);
      }
      if (s.startsWith(CARD)) {
        String cardId = stringField(s, "\"card_id\":\"");
        long version = numberField(s, "\"version\":");
        CardTrack track = cardId == null ? null : registry.get(cardId);
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
        countCard(a, order, latencyMicros);
        countCard(b, order, latencyMicros);
      } else if (s.startsWith(SNAPSHOT)) {
        CardTrack track = registry.get(stringField(s, "\"card_id\":\""));
        if (track != null) {
          last(track.index);
          lastVersion[track.index] = numberField(s, "\"version\":");
        }
        if (a != null) {
          a.snapshots++;
        }
        if (b != null) {
          b.snapshots++;
        }
      } else if (s.startsWith(MESSAGE)) {
        JsonNode card = Json.parseOrNull(s).path("message").path("card");
        CardTrack track = card.isObject() ? registry.get(card.path("card_id").asText()) : null;
        if (track != null) {
          long version = card.path("version").asLong();
          if (version > last(track.index)) {
            lastVersion[track.index] = version;
          }
          listener.messageFrame(track, version, now);
        }
        if (a != null) {
          a.messages++;
        }
        if (b != null) {
          b.messages++;
        }
      } else {
        if (a != null) {
          a.otherFrames++;
        }
        if (b != null) {
          b.otherFrames++;
        }
      }
    }

    private void countCard(Tally t, int order, long latencyMicros) {
      if (t == null) {
        return;
      }
      t.cardFrames++;
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

    /** The probe rebuilds each card's text from the frames, as the page does. */
    private void probe(String s) {
      JsonNode f = Json.parseOrNull(s);
      String type = f.path("type").asText();
      switch (type) {
        case "message": {
          JsonNode card = f.path("message").path("card");
          if (card.isObject()) {
            building.put(card.path("card_id").asText(), new StringBuilder(mdContent(card.path("card"))));
          }
          break;
        }
        case "snapshot":
          building.put(f.path("card_id").asText(), new StringBuilder(mdContent(f.path("card"))));
          break;
        case "card": {
          String cardId = f.path("card_id").asText();
          StringBuilder text = building.get(cardId);
          String op = f.path("op").asText();
          if (text == null) {
            break; // a reference frame, or a card whose message frame came before this viewer opened
          }
          if ("append".equals(op)) {
            if (f.path("offset").asInt() != text.length()) {
              offsetErrors++;
            }
            if (f.path("offset").asInt() == 0 && f.path("version").asLong() != BotFleet.FIRST_CONTENT_VERSION) {
              firstVersionErrors++;
            }
            text.setLength(Math.min(text.length(), f.path("offset").asInt()));
            text.append(f.path("text").asText());
          } else if ("replace".equals(op)) {
            text.setLength(0);
            text.append(f.path("text").asText());
          }
          break;
        }
        default:
          break;
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

  /** The string value after {@code key} (which ends with the opening quote); frames never escape ids. */
  static String stringField(String s, String key) {
    int at = s.indexOf(key);
    if (at < 0) {
      return null;
    }
    int from = at + key.length();
    int to = s.indexOf('"', from);
    return to < 0 ? null : s.substring(from, to);
  }

  /** The non-negative integer after {@code key}, or -1. */
  static long numberField(String s, String key) {
    int at = s.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    for (int i = at + key.length(); i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
