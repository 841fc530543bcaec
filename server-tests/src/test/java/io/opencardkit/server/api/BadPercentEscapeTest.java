package io.opencardkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.RawHttpConnection;
import io.opencardkit.server.testkit.RawHttpConnection.Response;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 4: a bad percent-escape ({@code %ZZ}, a lone {@code %}) in a query parameter
 * answered 500 (HTTP 500 {@code 300000} on the OpenAPI, which the SDKs retry forever). Every
 * parameter every handler reads, and the path, is fed both, and escaped bytes that are not UTF-8
 * too: each answers 400 with {@code 10002} naming what was wrong. (Sent on a plain socket: Java's
 * URI refuses to build such a request.)
 */
final class BadPercentEscapeTest {
  private static final List<String> BAD = List.of("%ZZ", "%", "%4", "%FF%FE", "%C3");

  private static TestServer server;
  private static String token;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    String body =
        "{\"app_id\":\""
            + server.seed.appId
            + "\",\"app_secret\":\""
            + server.seed.appSecret
            + "\"}";
    Response reply =
        RawHttpConnection.exchange(
            server.baseUrl(),
            "POST",
            "/open-apis/auth/v3/tenant_access_token/internal",
            null,
            body.getBytes(StandardCharsets.UTF_8));
    token = reply.json().path("tenant_access_token").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * Requests whose {@code {}} is replaced by each bad escape: a query parameter each handler reads,
   * or a path part.
   */
  private static List<String[]> targets() {
    String chat = server.seed.chatId;
    String alice = server.seed.alice;
    List<String[]> targets = new ArrayList<>();
    // method, target, what the message must name, whether the OpenAPI token is sent
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id={}",
          "container_id",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type={}&container_id=" + chat,
          "container_id_type",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id=" + chat + "&sort_type={}",
          "sort_type",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id="
              + chat
              + "&page_token={}",
          "page_token",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id=" + chat + "&page_size={}",
          "page_size",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id="
              + chat
              + "&start_time={}",
          "start_time",
          "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages?container_id_type=chat&container_id=" + chat + "&end_time={}",
          "end_time",
          "token"
        });
    targets.add(
        new String[] {
          "POST", "/open-apis/im/v1/messages?receive_id_type={}", "receive_id_type", "token"
        });
    targets.add(
        new String[] {
          "GET", "/open-apis/im/v1/messages/om_x/reactions?page_size={}", "page_size", "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/im/v1/messages/om_x/reactions?reaction_type={}",
          "reaction_type",
          "token"
        });
    targets.add(
        new String[] {
          "GET", "/open-apis/im/v1/messages/om_x/reactions?user_id_type={}", "user_id_type", "token"
        });
    targets.add(
        new String[] {
          "GET", "/open-apis/im/v1/messages/om_x/reactions?page_token={}", "page_token", "token"
        });
    targets.add(
        new String[] {
          "GET",
          "/open-apis/contact/v3/users/" + alice + "?user_id_type={}",
          "user_id_type",
          "token"
        });
    targets.add(
        new String[] {"GET", "/open-apis/im/v1/messages?{}=chat", "query parameter name", "token"});
    targets.add(new String[] {"GET", "/open-apis/im/v1/messages/{}", "path", "token"});
    targets.add(
        new String[] {
          "PUT", "/open-apis/cardkit/v1/cards/{}/elements/md/content", "path", "token"
        });
    targets.add(
        new String[] {
          "PUT",
          "/open-apis/cardkit/v1/cards/7000000000000000000/elements/{}/content",
          "path",
          "token"
        });
    targets.add(
        new String[] {"DELETE", "/open-apis/im/v1/messages/om_x/reactions/{}", "path", "token"});
    targets.add(new String[] {"GET", "/web/api/session?user={}", "user", null});
    targets.add(new String[] {"GET", "/web/api/chats?user={}", "user", null});
    targets.add(
        new String[] {
          "GET", "/web/api/chats/" + chat + "/messages?user=" + alice + "&limit={}", "limit", null
        });
    targets.add(new String[] {"GET", "/web/api/chats/{}/messages?user=" + alice, "path", null});
    targets.add(new String[] {"GET", "/web/ws?user={}", "user", null});
    targets.add(new String[] {"GET", "/callback/ws?ticket={}", "ticket", null});
    targets.add(new String[] {"GET", "/web/auth/callback?state={}&code=x", "state", null});
    targets.add(new String[] {"GET", "/?user={}", "user", null});
    targets.add(new String[] {"GET", "/healthz?x={}", "x", null});
    return targets;
  }

  @Test
  void everyQueryParameterAndPathPart_withABadEscape_isRefusedWith10002NamingIt() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (String[] target : targets()) {
      for (String bad : BAD) {
        String rawTarget = target[1].replace("{}", bad);
        byte[] body =
            "POST".equals(target[0]) || "PUT".equals(target[0])
                ? "{}".getBytes(StandardCharsets.UTF_8)
                : null;
        Response response =
            RawHttpConnection.exchange(
                server.baseUrl(), target[0], rawTarget, target[3] == null ? null : token, body);
        checked++;
        boolean named =
            response.json() != null && response.json().path("msg").asText().contains(target[2]);
        if (response.status() != 400 || response.code() != 10002 || !named) {
          wrong.add(target[0] + " " + rawTarget + " -> " + response);
        }
      }
    }
    assertThat(wrong)
        .as("of %d requests, those not answered 400/10002 naming the part", checked)
        .isEmpty();
  }

  @Test
  void goodEscapes_stillDecode() {
    // %5F is "_", %20 a space, + a space in a query: the check must not refuse what decodes.
    Response response =
        RawHttpConnection.exchange(
            server.baseUrl(),
            "GET",
            "/open-apis/im/v1/messages?container%5Fid%5Ftype=chat&container_id="
                + server.seed.chatId.replace("_", "%5F")
                + "&page_size=2%30",
            token,
            null);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.code()).isZero();
  }
}
