package io.opencardkit.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code nodes = 2}: a card created through one node is streamed through the other. */
@OpenCardKitTest(nodes = 2)
final class ClusterInjectionTest {
  private static final String STREAMING_CARD =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"\"}]}}";

  @Test
  void aCardMadeOnNodeZero_streamsThroughNodeOne_andReadsTheSameOnBoth(
      TestCluster cluster, BotApi onNodeZero, TestServer nodeZero) throws Exception {
    assertThat(cluster.size()).isEqualTo(2);
    assertThat(nodeZero.baseUrl()).isEqualTo(cluster.baseUrl(0)); // injected types are node 0's
    BotApi onNodeOne = BotApi.of(cluster.client(1));

    String cardId = onNodeZero.createCard(STREAMING_CARD);
    String messageId = onNodeZero.sendCardToChat(cluster.seed.chatId, cardId);
    BotApi.assertOk(onNodeOne.content(cardId, "md", "Hello from node one", 1));

    assertThat(onNodeZero.shownCard(messageId).toString()).contains("Hello from node one");
    assertThat(onNodeOne.shownCard(messageId).toString()).contains("Hello from node one");
  }
}
