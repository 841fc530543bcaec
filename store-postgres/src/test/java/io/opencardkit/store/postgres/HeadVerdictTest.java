package io.opencardkit.store.postgres;

import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static io.opencardkit.store.testkit.Events.metaBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.postgres.HeadClaims.Claim;
import java.util.List;
import org.junit.jupiter.api.Test;

final class HeadVerdictTest {

  @Test
  void inLockOrder_sortsByCardThenBatch_andSpansEachBatchsVersions() {
    List<WriteBatch> group =
        List.of(
            batch(
                event("b", 5, 500),
                event("b", 4, 400)), // listed out of order: the head goes to 5, timed 500
            batch(event("a", 1, 100)),
            batch(event("b", 6, 600), event("a", 2, 200)));

    assertThat(HeadClaims.inLockOrder(group))
        .containsExactly(
            new Claim(1, "a", 1, 1, 100),
            new Claim(2, "a", 2, 2, 200),
            new Claim(0, "b", 4, 5, 500),
            new Claim(2, "b", 6, 6, 600));
  }

  @Test
  void judge_everyClaimGranted_acceptsAll() {
    List<Claim> claims =
        HeadClaims.inLockOrder(List.of(batch(event("a", 1)), batch(event("b", 1))));

    HeadVerdict verdict = HeadVerdict.judge(2, claims, new int[] {1, 1});

    assertThat(verdict.consistent()).isTrue();
    assertThat(verdict.refused(0)).isFalse();
    assertThat(verdict.refused(1)).isFalse();
  }

  @Test
  void judge_claimNotGranted_refusesThatBatchOnly() {
    List<Claim> claims =
        HeadClaims.inLockOrder(List.of(batch(event("a", 1)), batch(event("b", 1))));

    HeadVerdict verdict = HeadVerdict.judge(2, claims, new int[] {0, 1});

    assertThat(verdict.consistent())
        .isTrue(); // the refused batch moved no head: the rest can commit as is
    assertThat(verdict.refused(0)).isTrue();
    assertThat(verdict.reason(0)).contains("card a already has a version at or above 1");
    assertThat(verdict.refused(1)).isFalse();
  }

  @Test
  void judge_batchAfterRefusedBatchOfItsCard_isRefusedAndInconsistent() {
    List<Claim> claims =
        HeadClaims.inLockOrder(List.of(batch(event("a", 1)), batch(event("a", 2))));

    // a: version 1 is stored (by another node) but not 2, so the second claim was granted on top of
    // it
    HeadVerdict verdict = HeadVerdict.judge(2, claims, new int[] {0, 1});

    assertThat(verdict.refused(1)).isTrue();
    assertThat(verdict.reason(1)).contains("earlier batch of card a");
    assertThat(verdict.consistent()).isFalse(); // its head move must be rolled back
  }

  @Test
  void judge_batchRefusedForOneCardOnly_isInconsistent() {
    List<Claim> claims = HeadClaims.inLockOrder(List.of(batch(event("a", 1), event("b", 1))));

    HeadVerdict verdict = HeadVerdict.judge(1, claims, new int[] {1, 0});

    assertThat(verdict.refused(0)).isTrue();
    assertThat(verdict.consistent()).isFalse();
  }

  @Test
  void judge_batchWithoutEvents_isAccepted() {
    List<WriteBatch> group = List.of(metaBatch("k", "v"));

    HeadVerdict verdict = HeadVerdict.judge(1, HeadClaims.inLockOrder(group), new int[0]);

    assertThat(verdict.refused(0)).isFalse();
    assertThat(verdict.consistent()).isTrue();
  }

  @Test
  void judge_countOtherThanZeroOrOne_isAnError() {
    List<Claim> claims = HeadClaims.inLockOrder(List.of(batch(event("a", 1))));

    // what a driver rewriting batches into one multi-row INSERT reports: the writer could not tell
    // who won
    assertThatThrownBy(() -> HeadVerdict.judge(1, claims, new int[] {-2}))
        .isInstanceOf(IllegalStateException.class);
  }
}
