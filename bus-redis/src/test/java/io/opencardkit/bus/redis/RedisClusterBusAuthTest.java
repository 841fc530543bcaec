package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class RedisClusterBusAuthTest {
  // The default user needs a password; "bus" may do anything; "limited" may subscribe but not
  // publish.
  @RegisterExtension
  final Nodes nodes =
      Nodes.onPrivateRedis(
          "--requirepass",
          "s3cret",
          "--user",
          "bus",
          "on",
          ">p@ss:w/rd",
          "~*",
          "&*",
          "+@all",
          "--user",
          "limited",
          "on",
          ">lim",
          "&test:*",
          "+@all",
          "-publish");

  private String url(String userInfo, String nodeId) {
    return "redis://"
        + userInfo
        + "@127.0.0.1:"
        + nodes.redis().port()
        + "?channel=test&node="
        + nodeId;
  }

  @Test
  void connect_withTheDefaultUsersPasswordAndAnAclUser_delivers() {
    RecordingListener heardByB = new RecordingListener();
    RedisClusterBus a = nodes.startWithUrl(url(":s3cret", "a"), new RecordingListener());
    // The ACL user's password holds '@', ':' and '/', which the URL carries percent-encoded.
    nodes.startWithUrl(url("bus:p%40ss%3Aw%2Frd", "b"), heardByB);
    nodes.awaitConnected();

    a.broadcast("authenticated");

    heardByB.awaitMessage("authenticated");
  }

  @Test
  void broadcast_deniedByAnAcl_isCountedAsRefusedAndTheBusStaysConnected() {
    RedisClusterBus limited = nodes.startWithUrl(url("limited:lim", "a"), new RecordingListener());
    nodes.awaitConnected();

    limited.broadcast("not allowed");

    Await.until(
        "refusal counted", () -> limited.stats().dropped(DropReason.REFUSED) == 1, limited::stats);
    assertThat(limited.connected()).isTrue();
    assertThat(limited.stats().dropped(DropReason.UNCONFIRMED)).isZero();
  }
}
