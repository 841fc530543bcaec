package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import com.lark.oapi.service.im.v1.model.ListMessageReq;
import com.lark.oapi.service.im.v1.model.ListMessageResp;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PostgresRedisNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 7: a bot's sends with one IM {@code uuid}, racing through two nodes of a real
 * cluster (PostgreSQL and Redis), store one message; both answer it.
 */
final class UuidAcrossNodesTest {
  private static final int ROUNDS = 12;

  private final PostgresRedisNodes cluster = new PostgresRedisNodes(MutableClock.startingNow());
  private final ExecutorService senders = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    senders.shutdownNow();
    cluster.close();
  }

  private Client sdk(OpenCardKitServer node) {
    return Client.newBuilder(cluster.seed.appId, cluster.seed.appSecret)
        .openBaseUrl(node.baseUrl())
        .requestTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private static String send(Client sdk, String chatId, String text, String uuid) throws Exception {
    CreateMessageResp resp =
        sdk.im()
            .v1()
            .message()
            .create(
                CreateMessageReq.newBuilder()
                    .receiveIdType("chat_id")
                    .createMessageReqBody(
                        CreateMessageReqBody.newBuilder()
                            .receiveId(chatId)
                            .msgType("text")
                            .content("{\"text\":\"" + text + "\"}")
                            .uuid(uuid)
                            .build())
                    .build());
    assertThat(resp.getCode()).as("%s", resp.getMsg()).isZero();
    return resp.getData().getMessageId();
  }

  @Test
  void twoNodesRacingOneUuid_storeOneMessage_andBothAnswerIt() throws Exception {
    List<Client> clients = List.of(sdk(cluster.startNode()), sdk(cluster.startNode()));
    String chatId = cluster.seed.chatId;

    for (int round = 0; round < ROUNDS; round++) {
      String uuid = "race-" + round;
      CyclicBarrier together = new CyclicBarrier(2);
      List<Future<String>> answers = new ArrayList<>();
      for (Client client : clients) {
        answers.add(
            senders.submit(
                () -> {
                  together.await(20, TimeUnit.SECONDS);
                  return send(client, chatId, "once " + uuid, uuid);
                }));
      }
      assertThat(answers.get(0).get()).as("round %d", round).isEqualTo(answers.get(1).get());
    }

    ListMessageResp listed =
        clients
            .get(0)
            .im()
            .v1()
            .message()
            .list(
                ListMessageReq.newBuilder()
                    .containerIdType("chat")
                    .containerId(chatId)
                    .pageSize(50)
                    .build());
    assertThat(listed.getCode()).isZero();
    List<String> texts =
        Arrays.stream(listed.getData().getItems())
            .map(m -> m.getBody().getContent())
            .collect(Collectors.toList());
    assertThat(texts).hasSize(ROUNDS).doesNotHaveDuplicates();
  }
}
