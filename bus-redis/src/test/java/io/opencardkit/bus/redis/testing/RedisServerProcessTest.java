package io.opencardkit.bus.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

final class RedisServerProcessTest {

  @Test
  void start_answersPingOnItsOwnPort() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      assertThat(redis.port()).isNotEqualTo(6379);
      assertThat(redis.command("PING")).isEqualTo("+PONG");
      assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
    }
  }

  @Test
  void command_bulkReply_returnsItsText() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      assertThat(redis.command("SET", "greeting", "你好\r\nworld")).isEqualTo("+OK");

      assertThat(redis.command("GET", "greeting")).isEqualTo("你好\r\nworld");
      assertThat(redis.connectedClients()).isZero();
    }
  }

  @Test
  void stop_thenRestart_servesAgainOnTheSamePort() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.stop();
      assertThat(redis.running()).isFalse();
      assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

      redis.restart();

      assertThat(redis.running()).isTrue();
      assertThat(redis.command("PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void start_withExtraArguments_passesThemOn() {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret")) {
      assertThat(redis.command("PING")).startsWith("-NOAUTH");
    }
  }

  @Test
  void freeze_thenThaw_answersAgain() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.freeze();
      // Frozen, the kernel still accepts the connection but nobody reads it: the reply times out.
      assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

      redis.thaw();

      assertThat(redis.command("PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void close_whileFrozen_stopsTheProcess() {
    RedisServerProcess redis = RedisServerProcess.start();
    redis.freeze();

    redis.close();

    assertThat(redis.running()).isFalse();
  }
}
