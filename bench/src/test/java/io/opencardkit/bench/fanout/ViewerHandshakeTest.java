package io.opencardkit.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.NetServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The viewers' WebSocket handshake offers permessage-deflate exactly as Chromium does, or nothing;
 * and the offer is live: a server that takes it (Vert.x's own, with and without
 * server_no_context_takeover) sends compressed frames the viewer reads.
 */
class ViewerHandshakeTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String offeredExtensions(boolean deflate) throws Exception {
    CompletableFuture<String> offered = new CompletableFuture<>();
    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .webSocketHandler(
                ws -> {
                  offered.complete(String.valueOf(ws.headers().get("Sec-WebSocket-Extensions")));
                  ws.close();
                })
            .listen()
            .await();
    WebSocketClient client = vertx.createWebSocketClient(ViewerFleet.clientOptions(deflate, 1));
    client
        .connect(
            ViewerFleet.connectOptions(
                "127.0.0.1", server.actualPort(), "/web/ws?user=ou_1", deflate))
        .await();
    return offered.get(30, TimeUnit.SECONDS);
  }

  /**
   * An extension offer as a server reads it: extension and parameters, whitespace around separators
   * dropped (RFC 7692's OWS).
   */
  private static List<String> parsed(String offer) {
    return Arrays.stream(offer.split(";")).map(String::trim).collect(Collectors.toList());
  }

  @Test
  void offersWhatChromiumOffers() throws Exception {
    // Netty writes the parameters back without the space after ';' that Chromium puts there: the
    // same offer.
    assertThat(parsed(offeredExtensions(true)))
        .isEqualTo(parsed(ViewerFleet.CHROMIUM_OFFER))
        .containsExactly("permessage-deflate", "client_max_window_bits");
  }

  @Test
  void offersNothingWithoutDeflate() throws Exception {
    assertThat(offeredExtensions(false)).isEqualTo("null");
  }

  @Test
  void readsWhatAVertxServerDeflates() throws Exception {
    String text = "{\"type\":\"card\",\"text\":\"" + "streamed text ".repeat(50) + "\"}";
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setPerMessageWebSocketCompressionSupported(true))
            .webSocketHandler(
                ws ->
                    ws.textMessageHandler(
                        resume ->
                            ws.writeTextMessage(text))) // as the hub: frames follow the resume
            .listen()
            .await();
    CompletableFuture<String> received = new CompletableFuture<>();
    WebSocketClient client = vertx.createWebSocketClient(ViewerFleet.clientOptions(true, 1));

    WebSocket ws =
        client
            .connect(ViewerFleet.connectOptions("127.0.0.1", server.actualPort(), "/web/ws", true))
            .await();
    ws.textMessageHandler(received::complete);
    ws.writeTextMessage("{\"type\":\"resume\",\"cards\":{}}");

    assertThat(ws.headers().get("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
    assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(text);
  }

  /**
   * A server may add server_no_context_takeover to its answer unasked (RFC 7692 §7.1.1.1) and then
   * compress each message on its own, e.g. once for all its sockets; Chromium reads that, so must
   * the viewers. This server is a hand-written handshake on a raw socket, so that the answer and
   * the frames are exactly as written here.
   */
  @Test
  void readsMessagesCompressedWithoutContextWhenTheServerSaysSoUnasked() throws Exception {
    readsMessagesCompressedWithoutContext("permessage-deflate; server_no_context_takeover");
  }

  /**
   * OpenCardKit's shared compression also answers client_no_context_takeover unasked; Chromium
   * accepts that.
   */
  @Test
  void readsMessagesCompressedWithoutContextWhenTheServerAlsoAsksTheClientToDropItsContext()
      throws Exception {
    ViewerFleet.acceptClientNoContext(true);
    try {
      readsMessagesCompressedWithoutContext(
          "permessage-deflate; client_no_context_takeover; server_no_context_takeover");
      assertThat(parsed(offeredExtensions(true)))
          .containsExactlyInAnyOrder(
              "permessage-deflate", "client_no_context_takeover", "client_max_window_bits");
    } finally {
      ViewerFleet.acceptClientNoContext(false);
    }
  }

  private void readsMessagesCompressedWithoutContext(String answer) throws Exception {
    List<String> messages =
        List.of("[7,57,\"hello hello hello hello\"]", "[7,58,\"hello hello hello again\"]");
    NetServer server =
        vertx
            .createNetServer()
            .connectHandler(
                socket -> {
                  StringBuilder request = new StringBuilder();
                  boolean[] sent = {false};
                  socket.handler(
                      data -> {
                        // the client's first frame (its resume): now the server's frames
                        if (request.indexOf("HTTP/1.1 101") >= 0) {
                          if (sent[0]) {
                            return;
                          }
                          sent[0] = true;
                          for (String m : messages) {
                            socket.write(Buffer.buffer(compressedTextFrame(m)));
                          }
                          return;
                        }
                        request.append(data.toString(StandardCharsets.ISO_8859_1));
                        if (request.indexOf("\r\n\r\n") < 0) {
                          return;
                        }
                        String key =
                            request
                                .toString()
                                .lines()
                                .filter(
                                    l ->
                                        l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                                .findFirst()
                                .orElseThrow()
                                .substring("sec-websocket-key:".length())
                                .trim();
                        socket.write(
                            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                                + accept(key)
                                + "\r\nSec-WebSocket-Extensions: "
                                + answer
                                + "\r\n\r\n");
                        request.append(
                            "HTTP/1.1 101"); // answered: what follows are the client's frames
                      });
                })
            .listen(0, "127.0.0.1")
            .await();
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> both = new CompletableFuture<>();
    WebSocketClient client = vertx.createWebSocketClient(ViewerFleet.clientOptions(true, 1));

    WebSocket ws =
        client
            .connect(ViewerFleet.connectOptions("127.0.0.1", server.actualPort(), "/web/ws", true))
            .await();
    ws.textMessageHandler(
        m -> {
          received.add(m);
          if (received.size() == messages.size()) {
            both.complete(null);
          }
        });
    ws.writeTextMessage("{\"type\":\"resume\",\"cards\":{}}");
    both.get(30, TimeUnit.SECONDS);

    assertThat(received).containsExactlyElementsOf(messages);
  }

  private static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                      .getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One text message deflated on its own (a fresh compressor: no context), as one unmasked frame
   * with RSV1 set.
   */
  private static byte[] compressedTextFrame(String message) {
    Deflater deflater = new Deflater(6, true);
    deflater.setInput(message.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[1024];
    int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    deflater.end();
    int length = n - 4; // without the 00 00 ff ff that ends a sync flush (RFC 7692 §7.2.1)
    assertThat(length).isLessThan(126);
    byte[] frame = new byte[2 + length];
    frame[0] = (byte) 0xC1; // FIN, RSV1 (compressed), text
    frame[1] = (byte) length;
    System.arraycopy(out, 0, frame, 2, length);
    return frame;
  }
}
