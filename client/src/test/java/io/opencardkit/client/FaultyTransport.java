package io.opencardkit.client;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.lark.oapi.core.httpclient.IHttpTransport;
import com.lark.oapi.core.httpclient.OkHttpTransport;
import com.lark.oapi.core.request.RawRequest;
import com.lark.oapi.core.response.RawResponse;
import com.lark.oapi.okhttp.OkHttpClient;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's own OkHttp transport with faults injected at chosen requests: the answer lost after the
 * server applied the request, a timeout before it got there, 5xx, rate limits and unreadable bodies
 * returned without forwarding. It records every request (forwarded or not) so tests can check what
 * the server answered and that a sequence never carried two different requests.
 */
final class FaultyTransport implements IHttpTransport {
  /** What a request is, from its method and path. */
  enum Op {
    TOKEN,
    CREATE,
    SEND,
    CONTENT,
    SETTINGS,
    BATCH,
    UPDATE_ELEMENT,
    GET_MESSAGE,
    OTHER
  }

  /** A fault injected instead of (or after) the real exchange. */
  enum Fault {
    /** Forwarded and applied, then the answer is lost: the SDK sees a read timeout. */
    LOSE_ANSWER,
    /** Not forwarded: the SDK sees a timeout. */
    TIMEOUT,
    /**
     * Not forwarded: HTTP 503 with {@code 300000} (storage unavailable), as OpenCardKit answers.
     */
    UNAVAILABLE_300000,
    /**
     * Not forwarded: HTTP 500 with an HTML body, as a proxy in front of the server might answer.
     */
    PROXY_500_HTML,
    /** Not forwarded: HTTP 504 (the SDK throws its ServerTimeoutException or a parse error). */
    GATEWAY_TIMEOUT_504,
    /** Not forwarded: HTTP 429 with {@code 99991400} and the gateway's rate-limit headers. */
    RATE_LIMITED_429,
    /** Forwarded and applied, then answered HTTP 502: the outcome looks unknown to the client. */
    APPLIED_THEN_502,
    /**
     * Not forwarded: {@code 300317}, what a server without uuid replay would answer to a retry of
     * an applied call.
     */
    SEQUENCE_REFUSED_300317,
    /**
     * Not forwarded: {@code 200860}, as a server that measures the card larger than the client does
     * would answer.
     */
    CARD_TOO_LARGE_200860,
    /**
     * Not forwarded: {@code 200850}, as a server whose window closed (or that checks it before the
     * uuid) answers.
     */
    STREAMING_TIMEOUT_200850
  }

  /**
   * One request as the transport saw it, and what came back (status 0 and code -1 when nothing
   * came).
   */
  record Exchange(
      long at,
      Op op,
      String cardId,
      Integer sequence,
      String uuid,
      String body,
      Fault fault,
      int status,
      int code,
      String msg) {}

  private final IHttpTransport real =
      new OkHttpTransport(
          new OkHttpClient.Builder()
              .connectTimeout(10, TimeUnit.SECONDS)
              .readTimeout(20, TimeUnit.SECONDS)
              .writeTimeout(20, TimeUnit.SECONDS)
              .build());
  private final Gson gson = new Gson();
  private final Clock clock;
  private final List<Exchange> exchanges = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private final Map<Op, Integer> seen = new HashMap<>();
  private Random random;
  private double rate;
  private List<Fault> randomFaults = List.of();
  private CountDownLatch hold;

  private static final class Rule {
    final Op op;
    final int from; // the 1-based index (per op) of the first request it hits
    final List<Fault> faults; // applied to consecutive requests from there

    Rule(Op op, int from, List<Fault> faults) {
      this.op = op;
      this.from = from;
      this.faults = faults;
    }
  }

  /** A transport that stamps each exchange with {@code clock}'s time. */
  FaultyTransport(Clock clock) {
    this.clock = clock;
  }

  /**
   * Injects {@code faults} into the {@code nth} request of {@code op} and the ones right after it
   * (its retries).
   */
  synchronized FaultyTransport at(Op op, int nth, Fault... faults) {
    rules.add(new Rule(op, nth, List.of(faults)));
    return this;
  }

  /**
   * Injects one of {@code faults}, chosen by a seeded random, into a share {@code rate} of CardKit
   * and IM requests.
   */
  synchronized FaultyTransport randomly(long seed, double rate, Fault... faults) {
    this.random = new Random(seed);
    this.rate = rate;
    this.randomFaults = List.of(faults);
    return this;
  }

  /**
   * From now on every CardKit and IM request waits until {@link #release()} (to show that callers
   * never wait).
   */
  synchronized void hold() {
    hold = new CountDownLatch(1);
  }

  void release() {
    CountDownLatch latch;
    synchronized (this) {
      latch = hold;
      hold = null;
    }
    if (latch != null) {
      latch.countDown();
    }
  }

  @Override
  public RawResponse execute(RawRequest request) throws Exception {
    Op op = opOf(request);
    JsonObject body = bodyOf(request);
    String cardId = cardIdOf(request);
    Integer sequence =
        body != null && body.has("sequence") ? body.get("sequence").getAsInt() : null;
    String uuid = body != null && body.has("uuid") ? body.get("uuid").getAsString() : null;
    String canonical = canonicalBody(body);
    Fault fault;
    CountDownLatch latch;
    synchronized (this) {
      fault = op == Op.TOKEN || op == Op.GET_MESSAGE ? null : faultFor(op);
      latch = op == Op.TOKEN || op == Op.GET_MESSAGE ? null : hold;
    }
    if (latch != null && !latch.await(60, TimeUnit.SECONDS)) {
      throw new SocketTimeoutException("held too long");
    }
    if (fault == null || fault == Fault.LOSE_ANSWER || fault == Fault.APPLIED_THEN_502) {
      RawResponse response = real.execute(request);
      record(
          new Exchange(
              clock.millis(),
              op,
              cardId,
              sequence,
              uuid,
              canonical,
              fault,
              response.getStatusCode(),
              codeOf(response),
              msgOf(response)));
      if (fault == Fault.LOSE_ANSWER) {
        throw new SocketTimeoutException(
            "timeout"); // the SDK reports this as its ClientTimeoutException
      }
      if (fault == Fault.APPLIED_THEN_502) {
        return synthetic(502, "{\"code\":300000,\"msg\":\"Server Internal Error\"}", Map.of());
      }
      return response;
    }
    record(new Exchange(clock.millis(), op, cardId, sequence, uuid, canonical, fault, 0, -1, null));
    switch (fault) {
      case TIMEOUT:
        throw new SocketTimeoutException("timeout");
      case UNAVAILABLE_300000:
        return synthetic(
            503,
            "{\"code\":300000,\"msg\":\"Server Internal Error: storage unavailable, retry later\"}",
            Map.of());
      case PROXY_500_HTML:
        return synthetic(500, "<html><body>500 Internal Server Error</body></html>", Map.of());
      case GATEWAY_TIMEOUT_504:
        return synthetic(504, "<html><body>504 Gateway Time-out</body></html>", Map.of());
      case RATE_LIMITED_429:
        return synthetic(
            429,
            "{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}",
            Map.of("x-ogw-ratelimit-limit", List.of("10"), "x-ogw-ratelimit-reset", List.of("1")));
      case SEQUENCE_REFUSED_300317:
        return synthetic(
            400, "{\"code\":300317,\"msg\":\"sequence number compare failed\"}", Map.of());
      case STREAMING_TIMEOUT_200850:
        return synthetic(
            400, "{\"code\":200850,\"msg\":\"ErrMsg: card streaming timeout; \"}", Map.of());
      case CARD_TOO_LARGE_200860:
        return synthetic(
            400, "{\"code\":200860,\"msg\":\"Card content exceeds limit.\"}", Map.of());
      default:
        throw new AssertionError(fault);
    }
  }

  /** Every request so far, in order. */
  synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Answers the real server gave with this code. */
  synchronized long serverAnswers(int code) {
    return exchanges.stream().filter(e -> e.status() != 0 && e.code() == code).count();
  }

  /** The server's refusals (answers with a non-zero code), for failure messages. */
  synchronized List<String> refusals() {
    return exchanges.stream()
        .filter(e -> e.status() != 0 && e.code() != 0)
        .map(
            e ->
                e.op()
                    + " card="
                    + e.cardId()
                    + " seq="
                    + e.sequence()
                    + " code="
                    + e.code()
                    + " msg="
                    + e.msg())
        .toList();
  }

  /** Requests of this kind that reached the server. */
  synchronized long forwarded(Op op) {
    return exchanges.stream().filter(e -> e.op() == op && e.status() != 0).count();
  }

  /**
   * Checks the sequence discipline: on each card, every request that the server may have applied
   * (anything but a refusal it answered with a 4xx) carries a sequence used by no different
   * request, and retries repeat it exactly.
   */
  synchronized void assertSequencesNeverReused() {
    Map<String, Set<String>> variants = new HashMap<>();
    for (Exchange e : exchanges) {
      boolean refused =
          (e.status() >= 400 && e.status() < 500 && e.fault() == null)
              || e.fault() == Fault.CARD_TOO_LARGE_200860
              || e.fault() == Fault.STREAMING_TIMEOUT_200850;
      if (e.sequence() == null || refused) {
        continue;
      }
      variants
          .computeIfAbsent(e.cardId() + "#" + e.sequence(), k -> new HashSet<>())
          .add(e.uuid() + " " + e.body());
    }
    variants.forEach(
        (key, set) -> {
          if (set.size() > 1) {
            throw new AssertionError("sequence " + key + " carried different requests: " + set);
          }
        });
  }

  private Fault faultFor(Op op) {
    int index = seen.merge(op, 1, Integer::sum);
    for (Rule rule : rules) {
      if (rule.op == op && index >= rule.from && index < rule.from + rule.faults.size()) {
        return rule.faults.get(index - rule.from);
      }
    }
    if (random != null && op != Op.OTHER && random.nextDouble() < rate) {
      return randomFaults.get(random.nextInt(randomFaults.size()));
    }
    return null;
  }

  private synchronized void record(Exchange exchange) {
    exchanges.add(exchange);
  }

  static Op opOf(RawRequest request) {
    String path = URI.create(request.getReqUrl()).getPath();
    String method = request.getHttpMethod();
    if (path.startsWith("/open-apis/auth/")) {
      return Op.TOKEN;
    }
    if (path.equals("/open-apis/cardkit/v1/cards") && method.equals("POST")) {
      return Op.CREATE;
    }
    if (path.endsWith("/content")) {
      return Op.CONTENT;
    }
    if (path.endsWith("/settings")) {
      return Op.SETTINGS;
    }
    if (path.endsWith("/batch_update")) {
      return Op.BATCH;
    }
    if (path.contains("/elements/") && method.equals("PUT")) {
      return Op.UPDATE_ELEMENT;
    }
    if (path.startsWith("/open-apis/im/v1/messages") && method.equals("POST")) {
      return Op.SEND;
    }
    if (path.startsWith("/open-apis/im/v1/messages") && method.equals("GET")) {
      return Op.GET_MESSAGE;
    }
    return Op.OTHER;
  }

  private static String cardIdOf(RawRequest request) {
    String path = URI.create(request.getReqUrl()).getPath();
    String prefix = "/open-apis/cardkit/v1/cards/";
    if (!path.startsWith(prefix)) {
      return null;
    }
    String rest = path.substring(prefix.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private JsonObject bodyOf(RawRequest request) {
    if (request.getBody() == null) {
      return null;
    }
    JsonElement json = JsonParser.parseString(gson.toJson(request.getBody()));
    return json.isJsonObject() ? json.getAsJsonObject() : null;
  }

  private static String canonicalBody(JsonObject body) {
    if (body == null) {
      return "";
    }
    JsonObject copy = body.deepCopy();
    copy.remove("uuid");
    return copy.toString();
  }

  private static int codeOf(RawResponse response) {
    try {
      JsonElement json =
          JsonParser.parseString(new String(response.getBody(), StandardCharsets.UTF_8));
      return json.isJsonObject() && json.getAsJsonObject().has("code")
          ? json.getAsJsonObject().get("code").getAsInt()
          : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static String msgOf(RawResponse response) {
    try {
      JsonElement json =
          JsonParser.parseString(new String(response.getBody(), StandardCharsets.UTF_8));
      return json.isJsonObject() && json.getAsJsonObject().has("msg")
          ? json.getAsJsonObject().get("msg").getAsString()
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static RawResponse synthetic(int status, String body, Map<String, List<String>> headers) {
    RawResponse response = new RawResponse();
    response.setStatusCode(status);
    response.setContentType(body.startsWith("{") ? "application/json; charset=utf-8" : "text/html");
    Map<String, List<String>> all = new HashMap<>(headers);
    all.put("Content-Type", List.of(response.getContentType()));
    response.setHeaders(all);
    response.setBody(body.getBytes(StandardCharsets.UTF_8));
    return response;
  }
}
