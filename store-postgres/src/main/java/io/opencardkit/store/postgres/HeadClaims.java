package io.opencardkit.store.postgres;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each batch of a group claims of the cards' heads: for every card it adds events to, the
 * versions it adds. A claim is granted when the stored head is below its lowest version, and then
 * moves the head to its highest.
 */
final class HeadClaims {
  /**
   * Batch {@code batch} (its position in the group) adds versions {@code minVersion..maxVersion} of
   * {@code cardId}; the event at {@code maxVersion} happened at {@code lastAtMillis}.
   */
  record Claim(int batch, String cardId, long minVersion, long maxVersion, long lastAtMillis) {}

  /* Lock order: by card id, then by position in the group. Every node's transactions lock head rows in this one
   * order, so two of them can wait for each other's rows but never in a cycle (no deadlock); and batches of one card
   * stay in submission order, so each is checked against the head its predecessors left. */
  private static final Comparator<Claim> LOCK_ORDER =
      Comparator.comparing(Claim::cardId).thenComparingInt(Claim::batch);

  private HeadClaims() {}

  /** The claims of {@code group}, in lock order; batches without events claim nothing. */
  static List<Claim> inLockOrder(List<WriteBatch> group) {
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      claims.addAll(claimsOf(i, group.get(i).events()));
    }
    claims.sort(LOCK_ORDER);
    return claims;
  }

  private static List<Claim> claimsOf(int batch, List<CardEvent> events) {
    Map<String, Claim> byCard = new LinkedHashMap<>();
    for (CardEvent e : events) {
      byCard.merge(
          e.cardId(),
          new Claim(batch, e.cardId(), e.version(), e.version(), e.atMillis()),
          HeadClaims::widen);
    }
    return new ArrayList<>(byCard.values());
  }

  private static Claim widen(Claim a, Claim b) {
    Claim last =
        b.maxVersion() > a.maxVersion() ? b : a; // events may be listed out of version order
    return new Claim(
        a.batch(),
        a.cardId(),
        Math.min(a.minVersion(), b.minVersion()),
        last.maxVersion(),
        last.lastAtMillis());
  }
}
