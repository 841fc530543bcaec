package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The reference: a bare Vert.x WebSocket broadcaster with nothing of OpenCardKit in it. It accepts the same
 * {@code /web/ws} sockets, and on one context (like the viewer hub) sends frames of the same shape and size as the
 * server's append frames to every socket whose write queue is not full, each frame encoded once. Its send times go
 * into the same {@link CardTrack.Registry}, so the same viewers measure it the same way. Its Vert.x instance has the
 * defaults of the server's ({@code Vertx.vertx()}, compression settings as the server's HTTP options).
 */
final class BareBroadcaster implements AutoCloseable {
  private static final String CHAT_ID = "oc_reference0000000000000000000";

  /** What one broadcast step sent. */
  record Sent(long events, long frames, long skipped) {}

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<ServerWebSocket> sockets = new ArrayList<>(); // on context
  private final HttpServer server;
  private long cardCounter;

  BareBroadcaster() {
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setCompressionSupported(false))
            .webSocketHandler(ws -> {
              ws.setWriteQueueMaxSize(128 * 1024);
              ws.textMessageHandler(text -> {}); // the resume frame: nothing to do
              ws.exceptionHandler(e -> {});
              ws.closeHandler(v -> context.runOnContext(x -> sockets.remove(ws)));
              context.runOnContext(v -> {
                sockets.add(ws);
                ws.writeTextMessage("{\"type\":\"hello\",\"user\":\"ref\"}");
              });
            })
            .listen()
            .await();
  }

  int port() {
    return server.actualPort();
  }

  /**
   * Broadcasts from {@code startNanos} until {@code stopNanos}: {@code channels} cards each sending an append of
   * {@code chunkChars} characters every {@code 1/rate} seconds (staggered, as the bots are), or, with {@code rate}
   * 0, as fast as the sockets take them (one frame per channel in turn, the next broadcast when all queues have
   * room). A channel moves to a new card id after {@code appendsPerCard} frames, as a bot does.
   */
  CompletableFuture<Sent> run(int channels, double rate, int chunkChars, int appendsPerCard, long startNanos, long stopNanos,
      CardTrack.Registry registry) {
    CompletableFuture<Sent> done = new CompletableFuture<>();
    context.runOnContext(v -> new Run(channels, rate, chunkChars, appendsPerCard, startNanos, stopNanos, registry, done).tick());
    return done;
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }

  private final class Run {
    private final int chunkChars;
    private final int appendsPerCard;
    private final long intervalNanos;
    private final long stopNanos;
    private final CardTrack.Registry registry;
    private final CompletableFuture<Sent> done;
    private final CardTrack[] cards;
    private final long[] versions;
    private final long[] nextDue;
    private long corpusPosition;
    private long events;
    private long frames;
    private long skipped;
    private int turn;

    Run(int channels, double rate, int chunkChars, int appendsPerCard, long startNanos, long stopNanos,
        CardTrack.Registry registry, CompletableFuture<Sent> done) {
      this.chunkChars = chunkChars;
      this.appendsPerCard = appendsPerCard;
      this.intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
      this.stopNanos = stopNanos;
      this.registry = registry;
      this.done = done;
      this.cards = new CardTrack[channels];
      this.versions = new long[channels];
      this.nextDue = new long[channels];
      for (int i = 0; i < channels; i++) {
        nextDue[i] = startNanos + intervalNanos * i / channels;
      }
    }

    void tick() {
      long now = System.nanoTime();
      if (now >= stopNanos) {
        done.complete(new Sent(events, frames, skipped));
        return;
      }
      if (intervalNanos == 0) {
        for (ServerWebSocket ws : sockets) {
          if (ws.writeQueueFull()) {
            ws.drainHandler(x -> context.runOnContext(y -> tick()));
            return; // as fast as the slowest socket
          }
        }
        broadcast(turn, now);
        turn = (turn + 1) % cards.length;
        context.runOnContext(x -> tick());
        return;
      }
      boolean behind = false;
      for (int i = 0; i < cards.length; i++) {
        if (nextDue[i] <= now) { // at most one frame per channel per turn, so that a late broadcaster still yields
          broadcast(i, nextDue[i]);
          nextDue[i] += intervalNanos;
          behind |= nextDue[i] <= now;
        }
      }
      if (behind) {
        context.runOnContext(x -> tick());
      } else {
        vertx.setTimer(1, x -> tick());
      }
    }

    private void broadcast(int channel, long sentNanos) {
      if (cards[channel] == null || versions[channel] >= appendsPerCard) {
        cards[channel] = registry.register(String.format("9%018d", ++cardCounter), appendsPerCard + 1);
        versions[channel] = 0;
      }
      long version = ++versions[channel];
      CardTrack card = cards[channel];
      card.sent(version, sentNanos);
      String chunk = Corpus.chunk(corpusPosition, chunkChars);
      corpusPosition += chunkChars;
      ObjectNode frame = Json.object().put("type", "card").put("card_id", card.cardId);
      frame.put("message_id", String.format("om_%032x", cardCounter)).put("chat_id", CHAT_ID);
      frame.put("version", version).put("op", "append");
      frame.put("element_id", BotFleet.ELEMENT_ID).put("offset", (version - 1) * chunkChars).put("text", chunk);
      frame.put("streaming", true).put("deadline", System.currentTimeMillis() + 600_000).put("summary", "[生成中...]");
      String encoded = Json.write(frame);
      events++;
      for (ServerWebSocket ws : sockets) {
        if (ws.writeQueueFull()) {
          skipped++;
        } else {
          ws.writeTextMessage(encoded);
          frames++;
        }
      }
    }
  }
}
