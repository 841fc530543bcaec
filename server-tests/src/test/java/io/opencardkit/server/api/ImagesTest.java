package io.opencardkit.server.api;

import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.CreateImageReq;
import com.lark.oapi.service.im.v1.model.CreateImageReqBody;
import com.lark.oapi.service.im.v1.model.CreateImageResp;
import com.lark.oapi.service.im.v1.model.GetMessageResourceReq;
import com.lark.oapi.service.im.v1.model.GetMessageResourceResp;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.TestServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images through the official Java SDK: {@code im/v1/images} uploads (Feishu's limits and codes),
 * image and post messages showing them, {@code messages/:id/resources/:key} downloads, and the web
 * chat's image route.
 */
final class ImagesTest {
  private final TestServer server = TestServer.start();
  private final BotApi bot = BotApi.of(server);
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void upload_thenImageMessage_thenResource_returnsTheSameBytes() throws Exception {
    byte[] png = png(120, 80);
    String key = assertOk(upload(bot.sdk(), "message", file("chart.png", png))).getImageKey();
    assertThat(key).startsWith("img_v3_");

    String messageId =
        assertOk(
                bot.send("chat_id", server.seed.chatId, "image", "{\"image_key\":\"" + key + "\"}"))
            .getMessageId();
    GetMessageResourceResp resource = resource(bot.sdk(), messageId, key, "image");

    assertThat(resource.getRawResponse().getStatusCode()).isEqualTo(200);
    assertThat(resource.getData().toByteArray()).isEqualTo(png);
    assertThat(Replies.header(resource.getRawResponse(), "Content-Disposition"))
        .isEqualTo("attachment; filename=\"" + key + ".png\"");
    assertThat(Replies.header(resource.getRawResponse(), "Content-Type")).isEqualTo("image/png");
    assertThat(bot.summary(messageId)).isEqualTo("[图片]");
    assertThat(
            CardJson.parse(assertOk(bot.getMessage(messageId)).getItems()[0].getBody().getContent())
                .path("image_key")
                .asText())
        .isEqualTo(key);
  }

  @Test
  void resource_ofAPostMessagesImage_isReturned() throws Exception {
    byte[] gif = encode("gif", 30, 30);
    String key = assertOk(upload(bot.sdk(), "message", file("a.gif", gif))).getImageKey();
    String post =
        "{\"zh_cn\":{\"title\":\"图表\",\"content\":[[{\"tag\":\"text\",\"text\":\"见图\"}],[{\"tag\":\"img\",\"image_key\":\""
            + key
            + "\"}]]}}";
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "post", post)).getMessageId();

    GetMessageResourceResp resource = resource(bot.sdk(), messageId, key, "image");

    assertThat(resource.getData().toByteArray()).isEqualTo(gif);
    assertThat(Replies.header(resource.getRawResponse(), "Content-Type")).isEqualTo("image/gif");
  }

  @Test
  void upload_outsideFeishusLimits_isRefusedWithItsCodes() throws Exception {
    assertRefused(upload(bot.sdk(), "message", file("empty.png", new byte[0])), 234010);
    assertRefused(
        upload(
            bot.sdk(),
            "message",
            file("notes.png", "not an image".getBytes(StandardCharsets.UTF_8))),
        234011);
    assertRefused(upload(bot.sdk(), "message", file("wide.gif", encode("gif", 2001, 2))), 234039);
    assertRefused(upload(bot.sdk(), "banner", file("chart.png", png(2, 2))), 234001);
    byte[] huge = new byte[10 * 1024 * 1024 + 1];
    System.arraycopy(png(2, 2), 0, huge, 0, 40);
    assertRefused(upload(bot.sdk(), "message", file("huge.png", huge)), 234006);
    byte[] beyondTheBody =
        new byte[11 * 1024 * 1024]; // past what the server reads of a request at all
    assertRefused(upload(bot.sdk(), "message", file("beyond.png", beyondTheBody)), 234006);
  }

  @Test
  void upload_notMultipart_isRefusedWith234001() throws Exception {
    RawHttp http = new RawHttp(server.baseUrl());
    String token = http.token(server.seed.appId, server.seed.appSecret);

    RawHttp.Reply reply =
        http.post("/open-apis/im/v1/images", token, "{\"image_type\":\"message\"}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.code()).isEqualTo(234001);
  }

  @Test
  void resource_refusals_carryFeishusCodes() throws Exception {
    String key = assertOk(upload(bot.sdk(), "message", file("chart.png", png(4, 4)))).getImageKey();
    String other =
        assertOk(upload(bot.sdk(), "message", file("other.png", png(5, 5)))).getImageKey();
    String imageMessage =
        assertOk(
                bot.send("chat_id", server.seed.chatId, "image", "{\"image_key\":\"" + key + "\"}"))
            .getMessageId();
    String cardMessage =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.withElements(
                        "{'tag':'img','img_key':'"
                            + key
                            + "','alt':{'tag':'plain_text','content':''}}")))
            .getMessageId();

    // Read over plain HTTP: on Java 17+ the SDK cannot read any refusal of this endpoint (Gson
    // cannot reflect into the
    // ByteArrayOutputStream of GetMessageResourceResp), with Feishu as with OpenCardKit.
    assertThat(refusal(server.seed.appId, server.seed.appSecret, imageMessage, other, "image"))
        .isEqualTo(234003); // uploaded, not in this message
    assertThat(refusal(server.seed.appId, server.seed.appSecret, cardMessage, key, "image"))
        .isEqualTo(234043); // no resources of cards
    assertThat(refusal(server.seed.appId, server.seed.appSecret, imageMessage, key, "video"))
        .isEqualTo(234001);
    assertThat(
            refusal(server.seed.otherAppId, server.seed.otherAppSecret, imageMessage, key, "image"))
        .isEqualTo(234004); // not in the chat
    assertThat(refusal(server.seed.appId, server.seed.appSecret, "om_nosuchmessage", key, "image"))
        .isEqualTo(230011);
  }

  /** The code of a refused resource download (HTTP 400 with the usual envelope and headers). */
  private int refusal(String appId, String secret, String messageId, String key, String type)
      throws Exception {
    RawHttp http = new RawHttp(server.baseUrl());
    RawHttp.Reply reply =
        http.get(
            "/open-apis/im/v1/messages/" + messageId + "/resources/" + key + "?type=" + type,
            http.token(appId, secret));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.logId()).isNotBlank();
    return reply.code();
  }

  @Test
  void imageMessage_withoutImageKey_isRefusedWith230001() throws Exception {
    assertRefused(
        bot.send("chat_id", server.seed.chatId, "image", "{\"key\":\"img_v3_x\"}"), 230001);
  }

  @Test
  void webImageRoute_signedInViewerGetsTheImage_othersAreRefused() throws Exception {
    byte[] png = png(16, 16);
    String key = assertOk(upload(bot.sdk(), "message", file("chart.png", png))).getImageKey();
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> signedIn =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.baseUrl() + "/web/api/images/" + key + "?user=" + server.seed.alice))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> anonymous =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/web/api/images/" + key)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> unknown =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.baseUrl()
                            + "/web/api/images/img_v3_unknown?user="
                            + server.seed.alice))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(signedIn.statusCode()).isEqualTo(200);
    assertThat(signedIn.body()).isEqualTo(png);
    assertThat(signedIn.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(signedIn.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void uploadedImage_survivesARestart() throws Exception {
    byte[] png = png(9, 9);
    String key = assertOk(upload(bot.sdk(), "message", file("chart.png", png))).getImageKey();
    String messageId =
        assertOk(
                bot.send("chat_id", server.seed.chatId, "image", "{\"image_key\":\"" + key + "\"}"))
            .getMessageId();

    server.restart();

    assertThat(resource(server.client(), messageId, key, "image").getData().toByteArray())
        .isEqualTo(png);
  }

  static CreateImageResp upload(Client sdk, String imageType, File image) throws Exception {
    return sdk.im()
        .v1()
        .image()
        .create(
            CreateImageReq.newBuilder()
                .createImageReqBody(
                    CreateImageReqBody.newBuilder().imageType(imageType).image(image).build())
                .build());
  }

  static GetMessageResourceResp resource(Client sdk, String messageId, String key, String type)
      throws Exception {
    return sdk.im()
        .v1()
        .messageResource()
        .get(
            GetMessageResourceReq.newBuilder()
                .messageId(messageId)
                .fileKey(key)
                .type(type)
                .build());
  }

  private File file(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes).toFile();
  }

  /** A small chart-like PNG. */
  static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(0x3370FF));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillRect(width / 4, height / 4, Math.max(1, width / 2), Math.max(1, height / 2));
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static byte[] encode(String format, int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, out);
    return out.toByteArray();
  }
}
