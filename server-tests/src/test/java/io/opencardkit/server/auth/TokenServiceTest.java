package io.opencardkit.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

final class TokenServiceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));
  private final Directory directory =
      new Directory(
          List.of(new App("cli_a1", "secret", "Bot", null, null, null, null)),
          List.of(),
          List.of());
  private final TokenService tokens = new TokenService(() -> directory, clock);

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void issue_rightSecret_givesATwoHourToken() {
    TokenService.Issued issued = tokens.issue("cli_a1", "secret");
    assertThat(issued.token()).startsWith("t-");
    assertThat(issued.expireSeconds()).isEqualTo(7200);
    assertThat(tokens.authenticate("Bearer " + issued.token())).isEqualTo("cli_a1");
  }

  @Test
  void issue_wrongSecretOrUnknownApp_isRefused() {
    assertCode(() -> tokens.issue("cli_a1", "nope"), ErrorCode.WRONG_APP_SECRET);
    assertCode(() -> tokens.issue("cli_zz", "secret"), ErrorCode.WRONG_APP_SECRET);
  }

  @Test
  void issue_withMoreThan30MinutesLeft_returnsTheSameToken() {
    String first = tokens.issue("cli_a1", "secret").token();
    clock.advance(Duration.ofMinutes(89));
    TokenService.Issued again = tokens.issue("cli_a1", "secret");
    assertThat(again.token()).isEqualTo(first);
    assertThat(again.expireSeconds()).isEqualTo(7200 - 89 * 60);
  }

  @Test
  void issue_withLessThan30MinutesLeft_returnsANewTokenAndTheOldStaysValid() {
    String first = tokens.issue("cli_a1", "secret").token();
    clock.advance(Duration.ofMinutes(91));
    String second = tokens.issue("cli_a1", "secret").token();
    assertThat(second).isNotEqualTo(first);
    assertThat(tokens.authenticate("Bearer " + first)).isEqualTo("cli_a1");
  }

  @Test
  void authenticate_afterTwoHours_isRefusedWith99991663() {
    String token = tokens.issue("cli_a1", "secret").token();
    clock.advance(Duration.ofHours(2));
    assertCode(() -> tokens.authenticate("Bearer " + token), ErrorCode.TOKEN_INVALID);
  }

  @Test
  void authenticate_byAnotherInstanceWithTheSameDirectory_isAccepted() {
    // A restarted server (or another node) verifies tokens without shared state.
    String token = tokens.issue("cli_a1", "secret").token();
    assertThat(new TokenService(() -> directory, clock).authenticate("Bearer " + token))
        .isEqualTo("cli_a1");
  }

  @Test
  void authenticate_missingOrForged_isRefused() {
    assertCode(() -> tokens.authenticate(null), ErrorCode.TOKEN_MISSING);
    assertCode(() -> tokens.authenticate("Bearer "), ErrorCode.TOKEN_MISSING);
    assertCode(() -> tokens.authenticate("Bearer t-abc"), ErrorCode.TOKEN_INVALID);
    String token = tokens.issue("cli_a1", "secret").token();
    assertCode(
        () -> tokens.authenticate("Bearer " + token.substring(0, token.length() - 1) + "0"),
        ErrorCode.TOKEN_INVALID);
  }

  @Test
  void authenticate_aVerifiedTokenAfterItsExpiry_isRefusedThoughItWasAcceptedBefore() {
    // The second call is answered from the verified-token cache; its expiry still applies.
    String token = tokens.issue("cli_a1", "secret").token();
    assertThat(tokens.authenticate("Bearer " + token)).isEqualTo("cli_a1");
    clock.advance(Duration.ofHours(2));
    assertCode(() -> tokens.authenticate("Bearer " + token), ErrorCode.TOKEN_INVALID);
  }

  @Test
  void authenticate_aVerifiedTokenAfterTheAppsSecretChanged_isRefused() {
    String[] secret = {"secret"};
    TokenService service =
        new TokenService(
            () ->
                new Directory(
                    List.of(new App("cli_a1", secret[0], "Bot", null, null, null, null)),
                    List.of(),
                    List.of()),
            clock);
    String token = service.issue("cli_a1", "secret").token();
    assertThat(service.authenticate("Bearer " + token)).isEqualTo("cli_a1");
    secret[0] = "rotated";
    assertCode(() -> service.authenticate("Bearer " + token), ErrorCode.TOKEN_INVALID);
  }
}
