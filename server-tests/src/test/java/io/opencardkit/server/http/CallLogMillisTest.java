package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The call log's duration field: milliseconds with exactly three decimals, as the docs and log
 * parsers expect.
 */
final class CallLogMillisTest {
  @Test
  void millis_padsTheFractionToThreeDigits() {
    assertThat(CallLog.millis(0)).isEqualTo("0.000");
    assertThat(CallLog.millis(5)).isEqualTo("0.005");
    assertThat(CallLog.millis(40)).isEqualTo("0.040");
    assertThat(CallLog.millis(999)).isEqualTo("0.999");
    assertThat(CallLog.millis(1_234)).isEqualTo("1.234");
    assertThat(CallLog.millis(61_000_007)).isEqualTo("61000.007");
  }
}
