package io.opencardkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.RawHttpConnection;
import io.opencardkit.server.testkit.RawHttpConnection.Response;
import io.opencardkit.server.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 5: a lone surrogate (JSON {@code "x\}{@code ud800y"}) was accepted with code 0
 * and read back as {@code "x?y"}; bytes that are not UTF-8 were stored as U+FFFD. Now both are
 * refused with 10002 naming the field, whether the text is in the body itself or in the JSON a
 * field carries (card JSON, message content), and nothing is stored: the card and the chat read as
 * before, and the refused call used up no sequence.
 */
final class InvalidUnicodeTest {
  /**
   * The six characters of the JSON escape of a lone high surrogate (spelled so that javac does not
   * read it).
   */
  private static final String LONE = "\\" + "ud800";

  private TestServer server;
  private BotApi bot;
  private String token;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
    bot = BotApi.of(server);
    String body =
        "{\"app_id\":\""
            + server.seed.appId
            + "\",\"app_secret\":\""
            + server.seed.appSecret
            + "\"}";
    token =
        RawHttpConnection.exchange(
                server.baseUrl(),
                "POST",
                "/open-apis/auth/v3/tenant_access_token/internal",
                null,
                utf8(body))
            .json()
            .path("tenant_access_token")
            .asText();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Response send(String method, String target, byte[] body) {
    return RawHttpConnection.exchange(server.baseUrl(), method, target, token, body);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code before}, the byte 0xFF (never UTF-8), then {@code after}. */
  private static byte[] withInvalidByte(String before, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(before));
    out.write(0xFF);
    out.writeBytes(utf8(after));
    return out.toByteArray();
  }

  /** A streaming card sent to the chat, showing "Hello" in {@code md_1}. */
  private record SentCard(String cardId, String messageId, String contentPath) {}

  private SentCard sendStreamingCard() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("Hello"));
    return new SentCard(
        cardId,
        bot.sendCardToChat(server.seed.chatId, cardId),
        "/open-apis/cardkit/v1/cards/" + cardId + "/elements/md_1/content");
  }

  /** Nothing of the refused updates reached {@code card}, and its sequence 1 is still free. */
  private void assertUnchanged(SentCard card) throws Exception {
    assertThat(shownMarkdown(card.messageId())).isEqualTo("Hello");
    assertThat(bot.content(card.cardId(), "md_1", "Hello, world", 1).getCode())
        .as("sequence 1 is still free")
        .isZero();
  }

  private static void assertRefused(Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.code()).as(response.toString()).isEqualTo(10002);
    assertThat(response.json().path("msg").asText()).as(response.toString()).contains(field);
  }

  @Test
  void contentUpdate_withALoneSurrogate_isRefusedNamingTheField_andChangesNothing()
      throws Exception {
    SentCard card = sendStreamingCard();
    String path = card.contentPath();

    assertRefused(
        send("PUT", path, utf8("{\"content\":\"x" + LONE + "y\",\"sequence\":1}")), "content");
    assertRefused(
        send("PUT", path, withInvalidByte("{\"content\":\"x", "y\",\"sequence\":1}")), "UTF-8");

    assertUnchanged(card);
    assertThat(shownMarkdown(card.messageId())).isEqualTo("Hello, world");
  }

  /** {@code before}, the bytes {@code bad}, then {@code after}. */
  private static byte[] withBytes(String before, int[] bad, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(before));
    for (int b : bad) {
      out.write(b);
    }
    out.writeBytes(utf8(after));
    return out.toByteArray();
  }

  @Test
  void contentUpdate_withBytesOnlyALenientDecoderReads_isRefusedNamingTheFirstBadByte()
      throws Exception {
    // Each of these decodes to some character in a lenient UTF-8 decoder (Jackson's own among
    // them), so the body reader must check the bytes before it parses them.
    SentCard card = sendStreamingCard();
    String path = card.contentPath();
    int[][] notUtf8 = {
      {0xC0, 0xAF}, // '/' in an overlong form
      {0xE0, 0x80, 0xAF}, // the same in three bytes
      {0xED, 0xA0, 0x80}, // U+D800, a surrogate, encoded as if it were a character
      {0xF4, 0x90, 0x80, 0x80}, // past U+10FFFF
      {0xE4, 0xBD}, // the first two bytes of 你 only
    };
    for (int[] bad : notUtf8) {
      // {"content":"x is 13 bytes: the bad sequence starts at byte 13
      assertRefused(
          send("PUT", path, withBytes("{\"content\":\"x", bad, "y\",\"sequence\":1}")),
          "UTF-8 (byte 13)");
    }

    assertUnchanged(card);
  }

  @Test
  void contentUpdate_inUtf16_orAfterAByteOrderMark_isRefusedAsNotJson() throws Exception {
    // UTF-16 of ASCII is valid UTF-8 (with a NUL before each character), and a JSON parser that
    // guesses the encoding from the first bytes would read it; the body must be UTF-8 JSON.
    SentCard card = sendStreamingCard();
    String messageId = card.messageId();
    String path = card.contentPath();
    String update = "{\"content\":\"Hello, world\",\"sequence\":1}";

    assertRefused(send("PUT", path, update.getBytes(StandardCharsets.UTF_16BE)), "not JSON");
    assertRefused(send("PUT", path, update.getBytes(StandardCharsets.UTF_16LE)), "not JSON");
    assertRefused(send("PUT", path, utf8("\uFEFF" + update)), "not JSON");

    assertThat(shownMarkdown(messageId)).isEqualTo("Hello");
    assertThat(send("PUT", path, utf8(update)).code()).as("sequence 1 is still free").isZero();
  }

  @Test
  void contentUpdate_withAReplacementCharacterSentAsValidUtf8_isAccepted_andKept()
      throws Exception {
    // U+FFFD is what a lenient decoder puts for bytes that are not UTF-8, so the body reader
    // double-checks any body
    // holding one: sent as the valid bytes EF BF BD it is text like any other and must reach the
    // card unchanged.
    SentCard card = sendStreamingCard();
    String messageId = card.messageId();
    String path = card.contentPath();

    Response accepted = send("PUT", path, utf8("{\"content\":\"Hello \uFFFD 你好\",\"sequence\":1}"));

    assertThat(accepted.code()).as(accepted.toString()).isZero();
    assertThat(shownMarkdown(messageId)).isEqualTo("Hello \uFFFD 你好");
  }

  @Test
  void cardCreate_withALoneSurrogateInsideItsCardJson_isRefusedNamingTheField() {
    String card =
        "{\\\"schema\\\":\\\"2.0\\\",\\\"body\\\":{\\\"elements\\\":[{\\\"tag\\\":\\\"markdown\\\",\\\"element_id\\\":\\\"md\\\","
            + "\\\"content\\\":\\\"x\\"
            + LONE
            + "y\\\"}]}}";
    Response response =
        send(
            "POST",
            "/open-apis/cardkit/v1/cards",
            utf8("{\"type\":\"card_json\",\"data\":\"" + card + "\"}"));

    assertRefused(response, "data");
    assertThat(response.json().path("msg").asText())
        .contains("body.elements[0].content")
        .contains("not valid Unicode");
    assertRefused(
        send(
            "POST",
            "/open-apis/cardkit/v1/cards",
            withInvalidByte("{\"type\":\"card_json\",\"data\":\"", "\"}")),
        "UTF-8");
  }

  @Test
  void cardUpdate_withALoneSurrogate_isRefused_andTheCardIsUnchanged() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("Hello"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    String card =
        "{\\\"schema\\\":\\\"2.0\\\",\\\"config\\\":{\\\"streaming_mode\\\":true},\\\"body\\\":{\\\"elements\\\":[{\\\"tag\\\":"
            + "\\\"markdown\\\",\\\"element_id\\\":\\\"md_1\\\",\\\"content\\\":\\\"x\\"
            + LONE
            + "y\\\"}]}}";

    assertRefused(
        send(
            "PUT",
            "/open-apis/cardkit/v1/cards/" + cardId,
            utf8("{\"card\":{\"type\":\"card_json\",\"data\":\"" + card + "\"},\"sequence\":1}")),
        "data");

    assertThat(shownMarkdown(messageId)).isEqualTo("Hello");
  }

  @Test
  void
      imSend_withALoneSurrogate_inTheContentOrAField_orBytesThatAreNotUtf8_isRefused_andNothingIsSent()
          throws Exception {
    String path = "/open-apis/im/v1/messages?receive_id_type=chat_id";
    String chat = server.seed.chatId;
    int before = messagesInChat();

    String content = "{\\\"text\\\":\\\"x\\" + LONE + "y\\\"}";
    assertRefused(
        send(
            "POST",
            path,
            utf8(
                "{\"receive_id\":\""
                    + chat
                    + "\",\"msg_type\":\"text\",\"content\":\""
                    + content
                    + "\"}")),
        "content");
    assertRefused(
        send(
            "POST",
            path,
            utf8(
                "{\"receive_id\":\""
                    + chat
                    + "\",\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"hi\\\"}\","
                    + "\"uuid\":\"u"
                    + LONE
                    + "\"}")),
        "uuid");
    assertRefused(
        send(
            "POST",
            path,
            withInvalidByte(
                "{\"receive_id\":\""
                    + chat
                    + "\",\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"x",
                "\\\"}\"}")),
        "UTF-8");

    assertThat(messagesInChat()).isEqualTo(before);
    Response sent =
        send(
            "POST",
            path,
            utf8(
                "{\"receive_id\":\""
                    + chat
                    + "\",\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"x\\\\ud83d\\\\ude00y\\\"}\"}"));
    assertThat(sent.code()).as("a surrogate pair (an emoji) is valid: %s", sent).isZero();
    assertThat(messagesInChat()).isEqualTo(before + 1);
  }

  private int messagesInChat() {
    Response list =
        send(
            "GET",
            "/open-apis/im/v1/messages?container_id_type=chat&container_id="
                + server.seed.chatId
                + "&page_size=50",
            null);
    assertThat(list.code()).as(list.toString()).isZero();
    return list.json().path("data").path("items").size();
  }

  private String shownMarkdown(String messageId) throws Exception {
    JsonNode card = bot.shownCard(messageId);
    return card.path("body").path("elements").path(0).path("content").asText();
  }
}
