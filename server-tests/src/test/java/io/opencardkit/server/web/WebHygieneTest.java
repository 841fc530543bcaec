package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the web API refuses whatever the sign-in: requests another site makes a browser send, and
 * message floods.
 */
final class WebHygieneTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String EVIL = "http://evil.example";

  @Test
  void crossOriginStateChanges_areRefused_sameOriginAndProgramsAreServed() throws Exception {
    try (TestServer server = TestServer.start()) {
      WebClient web = new WebClient(server.baseUrl());
      String alice = "?user=" + server.seed.alice;
      String messages = "/web/api/chats/" + server.seed.chatId + "/messages" + alice;
      String messageId =
          web.post(messages, "{\"text\":\"seed\"}").body().get("message_id").asText();

      for (String[] call :
          new String[][] {
            {messages, "{\"text\":\"forged\"}"},
            {"/web/api/messages/" + messageId + "/actions" + alice, "{\"tag\":\"button\"}"},
            {
              "/web/api/messages/" + messageId + "/forward" + alice,
              "{\"chat_id\":\"" + server.seed.chatId + "\"}"
            }
          }) {
        WebClient.Reply refused = web.post(call[0], call[1], "Origin", EVIL);
        assertThat(refused.status()).as(call[0]).isEqualTo(403);
        assertThat(refused.body().get("msg").asText()).contains("cross-origin");
      }
      // A sandboxed page says "null"; a browser's fetch metadata may say cross-site without an
      // Origin we could read.
      assertThat(web.post(messages, "{\"text\":\"forged\"}", "Origin", "null").status())
          .isEqualTo(403);
      assertThat(
              web.post(messages, "{\"text\":\"forged\"}", "Sec-Fetch-Site", "cross-site").status())
          .isEqualTo(403);
      // Another site's page cannot open the viewer's socket either.
      assertThat(
              PageSocket.refusedStatus(
                  server.baseUrl(), "user=" + server.seed.alice, Map.of("Origin", EVIL)))
          .isEqualTo(403);

      assertThat(
              web.post(messages, "{\"text\":\"from the page\"}", "Origin", server.baseUrl())
                  .status())
          .isEqualTo(200);
      try (PageSocket socket =
          PageSocket.open(
              server.baseUrl(),
              "user=" + server.seed.alice,
              false,
              Map.of("Origin", server.baseUrl()))) {
        socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
      }
      // Nothing forged reached the chat: the seed message, then the page's.
      assertThat(web.get(messages).body())
          .extracting(m -> m.path("content").path("text").asText())
          .containsExactly("seed", "from the page");
    }
  }

  @Test
  void aBurstOfMessagesFromOnePerson_isThrottledPerChat_andTheAllowanceComesBack()
      throws Exception {
    MutableClock clock = MutableClock.startingNow();
    try (TestServer server = TestServer.start(clock, Duration.ofMinutes(10))) {
      WebClient web = new WebClient(server.baseUrl());
      String group = "/web/api/chats/" + server.seed.chatId + "/messages?user=";
      // The clock stands still: Feishu's allowance of 5 messages per second and chat is a burst of
      // 5, then nothing.
      for (int i = 1; i <= 5; i++) {
        assertThat(web.post(group + server.seed.alice, "{\"text\":\"m" + i + "\"}").status())
            .isEqualTo(200);
      }
      WebClient.Reply refused = web.post(group + server.seed.alice, "{\"text\":\"m6\"}");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.body().get("code").asInt()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(refused.body().get("msg").asText()).contains("at most 5 per second");
      assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("1");
      String forward =
          "/web/api/messages/"
              + web.get(group + server.seed.alice).body().get(0).get("message_id").asText()
              + "/forward?user=";
      assertThat(
              web.post(forward + server.seed.alice, "{\"chat_id\":\"" + server.seed.chatId + "\"}")
                  .status())
          .isEqualTo(429);

      // Another person in the same chat, and the same person in another chat, have their own
      // allowance.
      assertThat(web.post(group + server.seed.bob, "{\"text\":\"bob\"}").status()).isEqualTo(200);
      String p2p = Directory.p2pChatId(server.seed.appId, server.seed.alice);
      assertThat(
              web.post(
                      "/web/api/chats/" + p2p + "/messages?user=" + server.seed.alice,
                      "{\"text\":\"to the bot\"}")
                  .status())
          .isEqualTo(200);

      clock.advance(Duration.ofMillis(200)); // a fifth of a second gives back one message
      assertThat(web.post(group + server.seed.alice, "{\"text\":\"m7\"}").status()).isEqualTo(200);
      assertThat(web.post(group + server.seed.alice, "{\"text\":\"m8\"}").status()).isEqualTo(429);

      assertThat(web.get(group + server.seed.alice).body())
          .extracting(m -> m.path("content").path("text").asText())
          .containsExactly("m1", "m2", "m3", "m4", "m5", "bob", "m7");
    }
  }
}
