package io.opencardkit.store.postgres;

import io.opencardkit.store.postgres.HeadClaims.Claim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the update counts of a group's head claims decide: which batches are refused, and whether
 * the heads the transaction now holds are exactly those of the accepted batches (else it must be
 * rolled back).
 */
final class HeadVerdict {
  private final Map<Integer, String> refusals; // batch position -> why
  private final boolean consistent;

  private HeadVerdict(Map<Integer, String> refusals, boolean consistent) {
    this.refusals = refusals;
    this.consistent = consistent;
  }

  /**
   * Judges the batches in group order. A batch is refused when one of its claims was not granted
   * (count 0: a version at or above its lowest is stored already), or when an earlier batch of the
   * group touching one of its cards was refused (it was decided on top of rows that will not be
   * stored).
   *
   * <p>The verdict is inconsistent when a refused batch has a granted claim: the transaction moved
   * a head for a batch that must write nothing (a batch accepted for some cards and refused for
   * others, or one after a refused batch of its card). Only a rollback undoes that.
   *
   * @param counts the update count of each claim, in the order of {@code claims}
   * @throws IllegalStateException for a count other than 0 or 1 (a driver that does not report
   *     them)
   */
  static HeadVerdict judge(int groupSize, List<Claim> claims, int[] counts) {
    if (counts.length != claims.size()) {
      throw new IllegalStateException(
          "head upserts: " + claims.size() + " statements, " + counts.length + " counts");
    }
    List<List<Integer>> claimsByBatch = new ArrayList<>();
    for (int b = 0; b < groupSize; b++) {
      claimsByBatch.add(new ArrayList<>());
    }
    for (int i = 0; i < claims.size(); i++) {
      if (counts[i] != 0 && counts[i] != 1) {
        throw new IllegalStateException(
            "head upsert of card " + claims.get(i).cardId() + " counted " + counts[i]);
      }
      claimsByBatch.get(claims.get(i).batch()).add(i);
    }
    Map<Integer, String> refusals = new HashMap<>();
    Set<String> refusedCards = new HashSet<>();
    boolean consistent = true;
    for (int b = 0; b < groupSize; b++) {
      String reason = reasonToRefuse(claimsByBatch.get(b), claims, counts, refusedCards);
      if (reason == null) {
        continue;
      }
      refusals.put(b, reason);
      for (int i : claimsByBatch.get(b)) {
        refusedCards.add(claims.get(i).cardId());
        consistent &= counts[i] == 0;
      }
    }
    return new HeadVerdict(refusals, consistent);
  }

  private static String reasonToRefuse(
      List<Integer> own, List<Claim> claims, int[] counts, Set<String> refused) {
    for (int i : own) {
      if (counts[i] == 0) {
        Claim c = claims.get(i);
        return "card "
            + c.cardId()
            + " already has a version at or above "
            + c.minVersion()
            + " (another node or an earlier commit stored it first)";
      }
    }
    for (int i : own) {
      if (refused.contains(claims.get(i).cardId())) {
        return "an earlier batch of card "
            + claims.get(i).cardId()
            + " in the same group was refused";
      }
    }
    return null;
  }

  boolean consistent() {
    return consistent;
  }

  boolean refused(int batch) {
    return refusals.containsKey(batch);
  }

  /** Why batch {@code batch} was refused, or {@code null}. */
  String reason(int batch) {
    return refusals.get(batch);
  }
}
