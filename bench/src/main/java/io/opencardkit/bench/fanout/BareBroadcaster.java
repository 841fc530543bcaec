package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fan-out reference: a bare Vert.x WebSocket broadcaster with nothing of OpenCardKit in it, in
 * a JVM of its own (started by FanoutLoad like the server, same pinning and JVM options). One
 * HttpServer per event loop on a shared port, as the server under test gets; each loop accepts
 * {@code /web/ws} sockets, says hello, ignores what they send, and on a {@code run} command sends
 * append frames of the server's shape and size (protocol v1: the card frame object; v2: a stream
 * announcement per card, then {@code [k,version,"text"]} arrays) to every socket of its loop whose
 * write queue is not full, each frame encoded once per loop, on the schedule of {@link
 * BroadcastSchedule}; or, flat out, as fast as the slowest socket drains. Compression is Vert.x's
 * default (per-socket deflate when the client offers it).
 *
 * <p>Commands on standard input, one per line, each answered with one line: {@code clock} → {@code
 * okc-bare-clock <nanoTime>}; {@code sockets} → {@code okc-bare-sockets n=<open sockets>}; {@code
 * run …} (see {@link BroadcastSchedule#command}) → {@code okc-bare-sent events=… frames=…
 * skipped=…} when it ends. The process ends when its standard input closes.
 */
@Command(
    name = "BareBroadcaster",
    mixinStandardHelpOptions = true,
    description = "A bare Vert.x WebSocket broadcaster (FanoutLoad's reference).")
public final class BareBroadcaster implements Callable<Integer> {
  static final String CLOCK = "okc-bare-clock";
  static final String SOCKETS = "okc-bare-sockets";
  static final String SENT = "okc-bare-sent";
  private static final String CHAT_ID = "oc_reference0000000000000000000";

  @Option(
      names = "--event-loops",
      defaultValue = "1",
      description = "Event loops, one HttpServer and its sockets each (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(
      names = "--frames",
      defaultValue = "v1",
      description =
          "Shape of the append frames: v1 (card object) or v2 (stream + array) (default: ${DEFAULT-VALUE}).")
  String frames;

  @Option(names = "--host", defaultValue = "127.0.0.1")
  String host;

  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private volatile int port;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BareBroadcaster()).execute(args));
  }

  /**
   * What one run sent: events (frames per socket), frames written, frames skipped at full write
   * queues.
   */
  record Sent(long events, long frames, long skipped) {
    static Sent parse(String line) {
      long[] v = new long[3];
      String[] keys = {"events=", "frames=", "skipped="};
      for (String part : line.split("\\s+")) {
        for (int i = 0; i < keys.length; i++) {
          if (part.startsWith(keys[i])) {
            v[i] = Long.parseLong(part.substring(keys[i].length()));
          }
        }
      }
      return new Sent(v[0], v[1], v[2]);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!frames.equals("v1") && !frames.equals("v2")) {
      System.err.println("--frames takes v1 or v2");
      return 2;
    }
    boolean v2 = frames.equals("v2");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    vertx
        .deployVerticle(() -> new Loop(v2), new DeploymentOptions().setInstances(eventLoops))
        .await();
    System.out.println(
        "Bare Vert.x broadcaster listening on http://"
            + host
            + ":"
            + port
            + " ("
            + eventLoops
            + " event loops, frames "
            + frames
            + ")");
    System.out.flush();
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = commands.readLine()) != null; ) {
      String command = line.trim();
      if (command.equals("clock")) {
        answer(CLOCK + " " + System.nanoTime());
      } else if (command.equals("sockets")) {
        int open = 0;
        for (Loop loop : loops) {
          open += loop.onContext(loop::openSockets).join();
        }
        answer(SOCKETS + " n=" + open);
      } else if (command.startsWith("run ")) {
        BroadcastSchedule schedule = BroadcastSchedule.parse(command);
        List<CompletableFuture<Sent>> runs = new ArrayList<>();
        for (Loop loop : loops) {
          runs.add(loop.run(schedule));
        }
        long events = 0;
        long written = 0;
        long skipped = 0;
        for (CompletableFuture<Sent> run : runs) {
          Sent s = run.join();
          events =
              Math.max(events, s.events()); // every loop sends the same events, to its own sockets
          written += s.frames();
          skipped += s.skipped();
        }
        answer(
            String.format(
                Locale.ROOT, "%s events=%d frames=%d skipped=%d", SENT, events, written, skipped));
      }
    }
    vertx.close().await();
    return 0;
  }

  private static synchronized void answer(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /**
   * One event loop: its HttpServer, its sockets, its broadcasts. Everything but the constructor
   * runs on its context.
   */
  private final class Loop extends AbstractVerticle {
    private final boolean v2;
    private final List<ServerWebSocket> sockets = new ArrayList<>();
    private long nextStream;

    Loop(boolean v2) {
      this.v2 = v2;
    }

    @Override
    public void start(Promise<Void> started) {
      vertx
          .createHttpServer(
              new HttpServerOptions().setHost(host).setPort(-1).setCompressionSupported(false))
          .requestHandler(
              request ->
                  request.response().end("{\"status\":\"ok\"}")) // /healthz, for the launcher
          .webSocketHandler(this::accept)
          .listen()
          .onSuccess(
              s -> {
                port = s.actualPort();
                loops.add(this);
                started.complete();
              })
          .onFailure(started::fail);
    }

    private void accept(ServerWebSocket ws) {
      ws.setWriteQueueMaxSize(128 * 1024);
      ws.textMessageHandler(text -> {}); // the resume frame: nothing to do
      ws.exceptionHandler(e -> {});
      ws.closeHandler(v -> sockets.remove(ws));
      sockets.add(ws);
      ws.writeTextMessage("{\"type\":\"hello\",\"user\":\"ref\"}");
    }

    int openSockets() {
      return sockets.size();
    }

    <T> CompletableFuture<T> onContext(java.util.function.Supplier<T> work) {
      CompletableFuture<T> result = new CompletableFuture<>();
      context.runOnContext(v -> result.complete(work.get()));
      return result;
    }

    CompletableFuture<Sent> run(BroadcastSchedule schedule) {
      CompletableFuture<Sent> done = new CompletableFuture<>();
      context.runOnContext(v -> new Run(schedule, context, done).tick());
      return done;
    }

    /** One broadcast run on this loop. */
    private final class Run {
      private final BroadcastSchedule s;
      private final Context context;
      private final CompletableFuture<Sent> done;
      private final long[] next; // per channel: the next frame's number
      private final long[] streamOf; // per channel: v2 stream number of its current card
      private long corpusPosition;
      private long events;
      private long frames;
      private long skipped;
      private int turn;

      Run(BroadcastSchedule schedule, Context context, CompletableFuture<Sent> done) {
        this.s = schedule;
        this.context = context;
        this.done = done;
        this.next = new long[schedule.channels];
        this.streamOf = new long[schedule.channels];
      }

      void tick() {
        long now = System.nanoTime();
        if (now >= s.stopNanos) {
          done.complete(new Sent(events, frames, skipped));
          return;
        }
        if (s.flatOut()) {
          for (ServerWebSocket ws : sockets) {
            if (ws.writeQueueFull()) {
              ws.drainHandler(x -> context.runOnContext(y -> tick()));
              return; // as fast as the slowest socket
            }
          }
          broadcast(turn);
          turn = (turn + 1) % s.channels;
          context.runOnContext(x -> tick());
          return;
        }
        boolean behind = false;
        for (int c = 0; c < s.channels; c++) {
          // at most one frame per channel per turn, so that a late broadcaster still yields
          if (s.due(c, next[c]) <= now) {
            broadcast(c);
            behind |= s.due(c, next[c]) <= now;
          }
        }
        if (behind) {
          context.runOnContext(x -> tick());
        } else {
          vertx.setTimer(1, x -> tick());
        }
      }

      private void broadcast(int channel) {
        long n = next[channel]++;
        String cardId = s.cardId(channel, n);
        long version = s.version(n);
        String chunk = Corpus.chunk(corpusPosition, s.chunkChars);
        corpusPosition += s.chunkChars;
        String encoded;
        if (v2) {
          if (s.firstOfCard(n)) {
            streamOf[channel] = ++nextStream;
            String announce =
                Json.write(
                    Json.object()
                        .put("type", "stream")
                        .put("k", streamOf[channel])
                        .put("card_id", cardId)
                        .put("element_id", BotFleet.ELEMENT_ID));
            for (ServerWebSocket ws : sockets) {
              ws.writeTextMessage(announce); // never skipped: the appends that follow need it
            }
          }
          ArrayNode frame =
              Json.MAPPER.createArrayNode().add(streamOf[channel]).add(version).add(chunk);
          encoded = Json.write(frame);
        } else {
          ObjectNode frame = Json.object().put("type", "card").put("card_id", cardId);
          frame
              .put("message_id", "om_0000000000000" + cardId)
              .put("chat_id", CHAT_ID); // as long as the server's ids
          frame.put("version", version).put("op", "append");
          frame
              .put("element_id", BotFleet.ELEMENT_ID)
              .put("offset", s.offset(n))
              .put("text", chunk);
          frame
              .put("streaming", true)
              .put("deadline", System.currentTimeMillis() + 600_000)
              .put("summary", "[生成中...]");
          encoded = Json.write(frame);
        }
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
}
