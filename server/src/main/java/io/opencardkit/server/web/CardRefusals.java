package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.Json;
import io.opencardkit.server.http.RefusalListener;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@value #PER_CARD} refused CardKit calls of each card, in memory, for the inspector. At
 * most {@value #MAX_CARDS} cards are remembered; the one refused least recently is forgotten first.
 * Thread-safe.
 */
final class CardRefusals implements RefusalListener {
  static final int PER_CARD = 200;
  static final int MAX_CARDS = 10_000;

  /** One refusal (the protocol's {@code RefusalView}). */
  record Refusal(
      long at,
      String appId,
      Integer sequence,
      int code,
      String msg,
      String logId,
      String method,
      String path) {}

  private final Clock clock;
  private final LinkedHashMap<String, ArrayDeque<Refusal>> byCard =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Refusal>> eldest) {
          return size() > MAX_CARDS;
        }
      };

  CardRefusals(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void refused(
      String method,
      String path,
      String appId,
      String cardId,
      Integer sequence,
      ApiException refusal,
      String logId) {
    if (cardId == null) {
      return;
    }
    Refusal entry =
        new Refusal(
            clock.millis(),
            appId,
            sequence,
            refusal.code().code(),
            refusal.getMessage(),
            logId,
            method,
            path);
    synchronized (byCard) {
      ArrayDeque<Refusal> recent = byCard.computeIfAbsent(cardId, k -> new ArrayDeque<>());
      recent.addLast(entry);
      if (recent.size() > PER_CARD) {
        recent.removeFirst();
      }
    }
  }

  /** The card's refusals, oldest first, as {@code RefusalView}s. */
  ArrayNode viewsOf(String cardId) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    synchronized (byCard) {
      ArrayDeque<Refusal> recent = byCard.get(cardId);
      if (recent != null) {
        recent.forEach(r -> array.add(view(r)));
      }
    }
    return array;
  }

  private static ObjectNode view(Refusal r) {
    ObjectNode node = Json.object().put("at", r.at()).put("app_id", r.appId());
    if (r.sequence() == null) {
      node.putNull("sequence");
    } else {
      node.put("sequence", r.sequence().intValue());
    }
    return node.put("code", r.code())
        .put("msg", r.msg())
        .put("log_id", r.logId())
        .put("method", r.method())
        .put("path", r.path());
  }
}
