package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class RedisBusConfigTest {

  @Test
  void parse_hostOnly_usesDefaults() {
    RedisBusConfig config = RedisBusConfig.parse("redis://cache.internal");

    assertThat(config.host()).isEqualTo("cache.internal");
    assertThat(config.port()).isEqualTo(6379);
    assertThat(config.tls()).isFalse();
    assertThat(config.user()).isEmpty();
    assertThat(config.hasPassword()).isFalse();
    assertThat(config.channelPrefix()).isEqualTo("opencardkit");
    assertThat(config.nodeId()).isEmpty();
  }

  @Test
  void parse_everyPart_readsEach() {
    RedisBusConfig config =
        RedisBusConfig.parse(
            "rediss://bus:s3cret@10.0.0.5:6380/?channel=prod:cards&node=node-1.eu");

    assertThat(config.tls()).isTrue();
    assertThat(config.host()).isEqualTo("10.0.0.5");
    assertThat(config.port()).isEqualTo(6380);
    assertThat(config.user()).contains("bus");
    assertThat(config.password()).isEqualTo("s3cret");
    assertThat(config.channelPrefix()).isEqualTo("prod:cards");
    assertThat(config.nodeId()).contains("node-1.eu");
  }

  @Test
  void parse_passwordWithoutUser_usesDefaultUser() {
    RedisBusConfig config = RedisBusConfig.parse("redis://:s3cret@localhost");

    assertThat(config.user()).isEmpty();
    assertThat(config.password()).isEqualTo("s3cret");
  }

  @Test
  void parse_percentEncodedPassword_isDecodedButPlusStaysPlus() {
    // %40 is '@' and %3A ':', which could not stand unencoded; '+' is a plus in a URL, not a space
    // as in forms.
    RedisBusConfig config = RedisBusConfig.parse("redis://:p%40ss%3Aw+rd@localhost");

    assertThat(config.password()).isEqualTo("p@ss:w+rd");
  }

  @Test
  void parse_ipv6Host_keepsBrackets() {
    RedisBusConfig config = RedisBusConfig.parse("redis://[::1]:7000");

    assertThat(config.host()).isEqualTo("[::1]");
    assertThat(config.port()).isEqualTo(7000);
  }

  @Test
  void parse_upperCaseSchemeAndSurroundingBlanks_areAccepted() {
    assertThat(RedisBusConfig.parse("  REDIS://localhost:1234 \n").port()).isEqualTo(1234);
  }

  @Test
  void toString_withPassword_showsStarsNotThePassword() {
    RedisBusConfig config = RedisBusConfig.parse("redis://bus:s3cret@localhost:6380?node=n1");

    assertThat(config.toString())
        .isEqualTo(config.redacted())
        .isEqualTo("redis://bus:***@localhost:6380?channel=opencardkit&node=n1")
        .doesNotContain("s3cret");
  }

  @Test
  void redacted_withoutPassword_hasNoUserInfo() {
    assertThat(RedisBusConfig.parse("rediss://localhost").redacted())
        .isEqualTo("rediss://localhost:6379?channel=opencardkit");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " | ",
      value = {
        "'' | it is empty",
        "http://localhost | the scheme must be redis:// or rediss://",
        "localhost:6379 | the scheme must be redis:// or rediss://",
        "redis:localhost | it needs a valid host",
        "redis:///nohost | it needs a valid host",
        "redis://under_score:6379 | it needs a valid host",
        "redis://localhost:0 | the port must be between 1 and 65535",
        "redis://localhost:70000 | the port must be between 1 and 65535",
        "redis://localhost/0 | it may not have a path",
        "redis://localhost#top | it may not have a #fragment",
        "redis://user@localhost | the part before @ must be [user]:password",
        "redis://user:@localhost | the password before @ is empty",
        "redis://localhost?chanel=x | unknown parameter 'chanel' (known: channel, node)",
        "redis://localhost?node | parameter 'node' needs a value",
        "redis://localhost?node=a&node=b | parameter 'node' is given twice",
        "redis://localhost?node=has%0Anewline | parameter 'node' must match",
        "redis://localhost?node= | parameter 'node' must match",
        "redis://localhost?channel=a%20b | parameter 'channel' must match",
        "redis://local host | it is malformed at character 9 (Illegal character in authority)",
      })
  void parse_badUrl_failsNamingTheProblem(String url, String problem) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisBusConfig.parse(url))
        .withMessageStartingWith("Invalid Redis bus URL: ")
        .withMessageContaining(problem);
  }

  @Test
  void parse_malformedUrlWithPassword_doesNotRepeatThePassword() {
    // The space makes java.net.URI fail; its own message would quote the whole input.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisBusConfig.parse("redis://:s3cret@local host"))
        .withMessageNotContaining("s3cret");
  }

  @Test
  void parse_null_failsWithNullPointerException() {
    assertThatNullPointerException().isThrownBy(() -> RedisBusConfig.parse(null));
  }
}
