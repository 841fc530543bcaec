package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.service.im.v1.model.CreateImageReq;
import com.lark.oapi.service.im.v1.model.CreateImageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.GetMessageResourceReq;
import io.opencardkit.server.testkit.TestCluster;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image uploaded through one node is served by every node: it lives in the shared store, not on
 * a node.
 */
final class ImagesAcrossNodesTest {
  private final TestCluster cluster = TestCluster.start(2);
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void imageUploadedThroughOneNode_isServedByTheOther() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(33, 11, BufferedImage.TYPE_INT_RGB), "png", png);
    Path file = Files.write(tmp.resolve("chart.png"), png.toByteArray());
    var uploaded =
        cluster
            .client(0)
            .im()
            .v1()
            .image()
            .create(
                CreateImageReq.newBuilder()
                    .createImageReqBody(
                        CreateImageReqBody.newBuilder()
                            .imageType("message")
                            .image(file.toFile())
                            .build())
                    .build());
    assertThat(uploaded.getCode()).as(uploaded.getMsg()).isZero();
    String key = uploaded.getData().getImageKey();
    var sent =
        cluster
            .client(0)
            .im()
            .v1()
            .message()
            .create(
                CreateMessageReq.newBuilder()
                    .receiveIdType("chat_id")
                    .createMessageReqBody(
                        CreateMessageReqBody.newBuilder()
                            .receiveId(cluster.seed.chatId)
                            .msgType("image")
                            .content("{\"image_key\":\"" + key + "\"}")
                            .build())
                    .build());
    assertThat(sent.getCode()).isZero();

    var resource =
        cluster
            .client(1)
            .im()
            .v1()
            .messageResource()
            .get(
                GetMessageResourceReq.newBuilder()
                    .messageId(sent.getData().getMessageId())
                    .fileKey(key)
                    .type("image")
                    .build());
    HttpResponse<byte[]> web =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            cluster.baseUrl(1)
                                + "/web/api/images/"
                                + key
                                + "?user="
                                + cluster.seed.alice))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(resource.getData().toByteArray()).isEqualTo(png.toByteArray());
    assertThat(web.statusCode()).isEqualTo(200);
    assertThat(web.body()).isEqualTo(png.toByteArray());
  }
}
