package io.opencardkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One simulated bot, closed loop: it sends a request, waits for the answer, and only then sends the
 * next, the way a bot relays an LLM answer. In the update phase it creates a streaming card, sends
 * it into the chat, then PUTs the full text so far (a few characters longer each time) with the
 * next sequence; when the text reaches its limit it closes streaming and starts a new card. In a
 * no-op phase it calls the no-op endpoint instead.
 *
 * <p>Everything of one stream runs on one event loop of the load generator's own Vert.x, so it
 * needs no locks.
 *
 * <p>Card versions follow from the calls, without asking the server: creating a card makes version
 * 1, sending it into the chat version 2, and each accepted call after that one more, so the update
 * with sequence n makes version n + 2 (a refused call ends the card: the stream starts a new one).
 * A {@link VersionObserver} hears of each.
 */
public final class BotStream {
  static final String ELEMENT_ID = "md";

  /** The version a card has once it is sent into the chat; its first update makes the next one. */
  public static final long SENT_VERSION = 2;

  private static final int NO_CODE = Integer.MIN_VALUE;
  private static final String JSON_TYPE = "application/json; charset=utf-8";
  private static final String CARD_JSON =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true,\"summary\":{\"content\":\"[Answering]\"}},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\""
          + ELEMENT_ID
          + "\",\"content\":\"\"}]}}";
  private static final Buffer CREATE_BODY = createBody();
  private static final byte[] CONTENT_PREFIX =
      "{\"content\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final String CLOSE_SETTINGS = "{\\\"config\\\":{\\\"streaming_mode\\\":false}}";

  /**
   * What the streams writing through one server share.
   *
   * @param observer told about every card version the streams cause ({@link VersionObserver#NONE}
   *     when nobody asks)
   */
  public record Shared(
      Vertx vertx,
      HttpClient client,
      String host,
      int port,
      String authorization,
      TextCorpus corpus,
      int chunkChars,
      int maxText,
      CpuMeter cpu,
      VersionObserver observer) {}

  /**
   * Hears, on the stream's event loop, of the card versions a stream causes, e.g. to time their
   * delivery to viewers. Versions are as the class comment says.
   */
  public interface VersionObserver {
    VersionObserver NONE = new VersionObserver() {};

    /**
     * A card was created; called before it is sent into the chat, so before any of its frames can
     * arrive.
     */
    default void created(String cardId) {}

    /**
     * The call that makes {@code version} is about to be sent; {@code nanos} is its (scheduled)
     * send time.
     */
    default void sending(String cardId, long version, long nanos) {}

    /** The server acknowledged {@code version} (a content update) at {@code nanos}. */
    default void acknowledged(String cardId, long version, long nanos) {}
  }

  private final Shared shared;
  private final int index;
  private final int streams;
  private final Context context;
  private final String chatId;

  // the current card; cardId == null means a new one must be created and sent first
  private String cardId;
  private String contentUri;
  private int sequence;
  private int limit;
  private final StringBuilder text =
      new StringBuilder(); // what the server acknowledged, for the final check
  private Buffer escaped = Buffer.buffer(); // text, JSON-escaped, UTF-8
  private int corpusPosition;
  private boolean firstCard = true;

  private Phase phase;
  private Phase.Stats stats;
  private long nextIntendedNanos;
  private boolean scheduleRestarted;
  private int lastStatus;

  /**
   * Stream {@code index} of {@code streams}, sending its cards into {@code chatId}, on {@code
   * context}.
   */
  public BotStream(Shared shared, int index, int streams, Context context, String chatId) {
    this.shared = shared;
    this.index = index;
    this.streams = streams;
    this.context = context;
    this.chatId = chatId;
    // Streams start at different places in the text, and their first cards end at staggered
    // lengths, so that card
    // sizes are spread evenly over 0..max-text from the start and the streams do not all roll over
    // together.
    this.corpusPosition = (int) ((long) shared.corpus().length() * index / streams);
    this.limit =
        Math.max(shared.chunkChars(), (int) ((long) shared.maxText() * (index + 1) / streams));
  }

  String cardId() {
    return cardId;
  }

  String acknowledgedText() {
    return text.toString();
  }

  /**
   * Runs this stream in {@code next} until it ends; the stream then calls {@link
   * Phase#streamStopped()}.
   */
  public void run(Phase next) {
    context.runOnContext(
        v -> {
          shared.cpu().markClientThread();
          phase = next;
          stats = next.newStats();
          nextIntendedNanos =
              next.startNanos + next.intervalNanos * index / streams; // spread the first sends
          scheduleRestarted = false;
          step();
        });
  }

  private void step() {
    if (System.nanoTime() >= phase.endNanos) {
      phase.streamStopped();
      return;
    }
    switch (phase.kind) {
      case UPDATES:
      case BARE: // the same calls; the bare handler answers each with a fixed success
        if (cardId == null) {
          openCard();
        } else if (text.length() >= limit) {
          closeCard();
        } else {
          paced(this::sendUpdate);
        }
        break;
      case BOT_INFO:
        paced(start -> noop("/open-apis/bot/v3/info", true, start));
        break;
      case HEALTHZ:
        paced(start -> noop("/healthz", false, start));
        break;
      default:
        throw new IllegalStateException(phase.kind.name());
    }
  }

  /**
   * Without --rate, sends at once. With it, each stream sends on a fixed schedule and latency
   * counts from the scheduled time, so a slow answer that delays later sends is charged to them too
   * (no coordinated omission).
   */
  private void paced(Consumer<Long> send) {
    long now = System.nanoTime();
    long interval = phase.intervalNanos;
    if (interval <= 0) {
      send.accept(now);
      return;
    }
    if (!scheduleRestarted && now >= phase.measureStartNanos) {
      // Forget a backlog left by the warm-up (JIT, first cards): the measured window starts on
      // schedule.
      scheduleRestarted = true;
      nextIntendedNanos =
          Math.max(nextIntendedNanos, phase.measureStartNanos + interval * index / streams);
    }
    long intended = nextIntendedNanos;
    nextIntendedNanos += interval;
    if (phase.inWindow(intended)) {
      stats.offered++;
    }
    if (intended <= now) {
      send.accept(intended);
    } else {
      long delayMillis = Math.max(1, (intended - now + 999_999) / 1_000_000);
      shared.vertx().setTimer(delayMillis, id -> send.accept(intended));
    }
  }

  private void sendUpdate(long startNanos) {
    String chunk = shared.corpus().chunk(corpusPosition, shared.chunkChars());
    StringBuilder escapedChunk = new StringBuilder(chunk.length() + 8);
    TextCorpus.appendJsonEscaped(escapedChunk, chunk);
    Buffer chunkBytes = Buffer.buffer(escapedChunk.toString());
    int seq = ++sequence;
    String card = cardId;
    long version = SENT_VERSION + seq;
    shared.observer().sending(card, version, startNanos);
    Buffer body =
        Buffer.buffer(escaped.length() + chunkBytes.length() + 40)
            .appendBytes(CONTENT_PREFIX)
            .appendBuffer(escaped)
            .appendBuffer(chunkBytes)
            .appendString("\",\"sequence\":")
            .appendString(Integer.toString(seq))
            .appendString("}");
    call(
        HttpMethod.PUT,
        contentUri,
        body,
        true,
        (reply, endNanos) -> {
          if (reply == null) {
            stats.error("update: transport failure");
            shared.vertx().setTimer(10, id -> step());
            return;
          }
          int code = codeOf(reply);
          if (code == 0) {
            shared.observer().acknowledged(card, version, endNanos);
            text.append(chunk);
            escaped.appendBuffer(chunkBytes);
            corpusPosition += chunk.length();
            if (phase.inWindow(endNanos)) {
              stats.acked++;
              stats.requestBytes += body.length();
            }
            if (phase.latencyCounts(startNanos, endNanos)) {
              stats.latencyMicros.recordValue(Math.max(1, (endNanos - startNanos) / 1000));
            }
          } else {
            if (phase.inWindow(endNanos)) {
              stats.error("update: " + describe(code));
            }
            cardId = null; // start over on a fresh card rather than repeat a refusal
          }
          step();
        });
  }

  private void noop(String uri, boolean authenticated, long startNanos) {
    call(
        HttpMethod.GET,
        uri,
        null,
        authenticated,
        (reply, endNanos) -> {
          if (reply == null) {
            stats.error("no-op: transport failure");
            shared.vertx().setTimer(10, id -> step());
            return;
          }
          int code = codeOf(reply);
          boolean ok = lastStatus == 200 && (code == 0 || code == NO_CODE);
          if (phase.inWindow(endNanos)) {
            if (ok) {
              stats.acked++;
            } else {
              stats.error("no-op: " + describe(code));
            }
          }
          if (ok && phase.latencyCounts(startNanos, endNanos)) {
            stats.latencyMicros.recordValue(Math.max(1, (endNanos - startNanos) / 1000));
          }
          step();
        });
  }

  private void openCard() {
    long start = System.nanoTime();
    call(
        HttpMethod.POST,
        "/open-apis/cardkit/v1/cards",
        CREATE_BODY.copy(),
        true,
        (reply, endNanos) -> {
          JsonNode created =
              reply == null ? null : Json.parseOrNull(reply.toString(StandardCharsets.UTF_8));
          if (created == null || created.path("code").asInt(-1) != 0) {
            lifecycleFailed(
                "create card: "
                    + (created == null
                        ? "transport failure"
                        : describe(created.path("code").asInt())),
                endNanos);
            return;
          }
          String id = created.path("data").path("card_id").asText();
          shared.observer().created(id);
          shared.observer().sending(id, SENT_VERSION, System.nanoTime());
          String content =
              "{\\\"type\\\":\\\"card\\\",\\\"data\\\":{\\\"card_id\\\":\\\"" + id + "\\\"}}";
          Buffer send =
              Buffer.buffer(
                  "{\"receive_id\":\""
                      + chatId
                      + "\",\"msg_type\":\"interactive\",\"content\":\""
                      + content
                      + "\"}");
          call(
              HttpMethod.POST,
              "/open-apis/im/v1/messages?receive_id_type=chat_id",
              send,
              true,
              (sent, sentNanos) -> {
                int code = sent == null ? NO_CODE : codeOf(sent);
                if (code != 0) {
                  lifecycleFailed(
                      "send card: " + (sent == null ? "transport failure" : describe(code)),
                      sentNanos);
                  return;
                }
                cardId = id;
                contentUri =
                    "/open-apis/cardkit/v1/cards/" + id + "/elements/" + ELEMENT_ID + "/content";
                sequence = 0;
                text.setLength(0);
                escaped = Buffer.buffer(Math.max(256, shared.maxText() + shared.maxText() / 4));
                if (!firstCard) {
                  limit = shared.maxText();
                }
                firstCard = false;
                if (phase.inWindow(sentNanos)) {
                  stats.cardsStarted++;
                  stats.lifecycleMicros.recordValue(Math.max(1, (sentNanos - start) / 1000));
                }
                step();
              });
        });
  }

  private void closeCard() {
    long start = System.nanoTime();
    int seq = ++sequence;
    shared.observer().sending(cardId, SENT_VERSION + seq, start);
    Buffer body =
        Buffer.buffer("{\"settings\":\"" + CLOSE_SETTINGS + "\",\"sequence\":" + seq + "}");
    call(
        HttpMethod.PATCH,
        "/open-apis/cardkit/v1/cards/" + cardId + "/settings",
        body,
        true,
        (reply, endNanos) -> {
          int code = reply == null ? NO_CODE : codeOf(reply);
          if (phase.inWindow(endNanos)) {
            if (code == 0) {
              stats.cardsClosed++;
              stats.lifecycleMicros.recordValue(Math.max(1, (endNanos - start) / 1000));
            } else {
              stats.error(
                  "close streaming: " + (reply == null ? "transport failure" : describe(code)));
            }
          }
          cardId = null;
          step();
        });
  }

  private void lifecycleFailed(String what, long endNanos) {
    if (phase.inWindow(endNanos)) {
      stats.error(what);
    }
    cardId = null;
    shared.vertx().setTimer(50, id -> step());
  }

  /** Answer callback: the body, or null for a transport failure, and when the response ended. */
  private interface Reply {
    void accept(Buffer body, long endNanos);
  }

  private void call(HttpMethod method, String uri, Buffer body, boolean authenticated, Reply then) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(shared.host())
            .setPort(shared.port())
            .setURI(uri);
    if (authenticated) {
      options.putHeader("Authorization", shared.authorization());
    }
    if (body != null) {
      options.putHeader("Content-Type", JSON_TYPE);
    }
    shared
        .client()
        .request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(
            resp -> {
              lastStatus = resp.statusCode();
              return resp.body();
            })
        .onComplete(ar -> then.accept(ar.succeeded() ? ar.result() : null, System.nanoTime()));
  }

  /**
   * Asks the server for a tenant access token of the app (blocks: call it from outside the event
   * loops).
   */
  public static String tenantToken(HttpClient client, String appId, String appSecret) {
    String body = "{\"app_id\":\"" + appId + "\",\"app_secret\":\"" + appSecret + "\"}";
    Buffer answer =
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setURI("/open-apis/auth/v3/tenant_access_token/internal")
                    .putHeader("Content-Type", JSON_TYPE))
            .compose(req -> req.send(body))
            .compose(resp -> resp.body())
            .await();
    JsonNode json = Json.parseOrNull(answer.toString(StandardCharsets.UTF_8));
    if (json == null || json.path("code").asInt(-1) != 0) {
      throw new IllegalStateException("no tenant_access_token: " + answer);
    }
    return json.path("tenant_access_token").asText();
  }

  /**
   * The envelope's {@code code} without parsing the whole body; {@link #NO_CODE} when there is
   * none.
   */
  static int codeOf(Buffer body) {
    String s = body.toString(StandardCharsets.UTF_8);
    int at = s.indexOf("\"code\":");
    if (at < 0) {
      return NO_CODE;
    }
    int i = at + 7;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    int start = i;
    if (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    try {
      return Integer.parseInt(s.substring(start, i));
    } catch (NumberFormatException e) {
      return NO_CODE;
    }
  }

  private String describe(int code) {
    return code == NO_CODE
        ? "HTTP " + lastStatus + " without a code"
        : "code " + code + " (HTTP " + lastStatus + ")";
  }

  private static Buffer createBody() {
    StringBuilder b = new StringBuilder("{\"type\":\"card_json\",\"data\":\"");
    TextCorpus.appendJsonEscaped(b, CARD_JSON);
    return Buffer.buffer(b.append("\"}").toString());
  }
}
