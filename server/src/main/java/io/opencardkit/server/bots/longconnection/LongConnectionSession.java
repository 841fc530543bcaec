package io.opencardkit.server.bots.longconnection;

import io.opencardkit.server.bots.BotReply;
import io.opencardkit.server.bots.DeliveryFailure;
import io.opencardkit.server.bots.RandomIds;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long connection of a bot: answers its pings and carries deliveries, matching each reply frame
 * to its delivery by the {@code message_id} header.
 *
 * <p>Implementation notes: socket callbacks run on the socket's event loop; {@link #send} may be
 * called from any thread (Vert.x 5 queues writes for the socket's loop). Pending deliveries live in
 * a concurrent map; each has a Vert.x timer as its deadline, and whichever of the reply, the timer
 * or the socket's close comes first completes it.
 */
final class LongConnectionSession {
  private static final Logger LOG = LoggerFactory.getLogger(LongConnectionSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Pending(CompletableFuture<BotReply> reply, long timerId) {}

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final String appId;
  private final String deviceId;
  private final int service;
  private final LongConnectionSettings settings;
  private final Runnable onClose;
  private final AtomicLong seqIds = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LongConnectionSession(
      Vertx vertx,
      ServerWebSocket ws,
      String appId,
      String deviceId,
      int service,
      LongConnectionSettings settings,
      Runnable onClose) {
    this.vertx = vertx;
    this.ws = ws;
    this.appId = appId;
    this.deviceId = deviceId;
    this.service = service;
    this.settings = settings;
    this.onClose = onClose;
  }

  String appId() {
    return appId;
  }

  String deviceId() {
    return deviceId;
  }

  /** Installs the socket's handlers; call before the socket delivers anything. */
  void start() {
    ws.binaryMessageHandler(this::received);
    ws.textMessageHandler(
        text ->
            LOG.debug("long connection app_id={} conn_id={}: text frame ignored", appId, deviceId));
    ws.exceptionHandler(
        e ->
            LOG.debug(
                "long connection app_id={} conn_id={} failed: {}", appId, deviceId, e.toString()));
    ws.closeHandler(v -> closed());
  }

  /**
   * Sends a payload as one delivery; completes with the bot's reply or a {@link DeliveryFailure}.
   */
  CompletableFuture<BotReply> send(byte[] payload, Duration timeout) {
    CompletableFuture<BotReply> reply = new CompletableFuture<>();
    if (closed) {
      reply.completeExceptionally(
          new DeliveryFailure(DeliveryFailure.Reason.UNREACHABLE, "the long connection closed"));
      return reply;
    }
    String messageId = "msg_" + RandomIds.hex(12);
    List<Frame> frames =
        LongConnectionFrames.event(
            seqIds.getAndAdd(64),
            RANDOM.nextLong() & Long.MAX_VALUE,
            service,
            messageId,
            RandomIds.hex(8),
            payload);
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id ->
                complete(
                    messageId,
                    null,
                    new DeliveryFailure(
                        DeliveryFailure.Reason.TIMEOUT,
                        "no reply on the long connection within " + timeout.toMillis() + " ms")));
    pending.put(messageId, new Pending(reply, timer));
    for (Frame frame : frames) {
      ws.writeBinaryMessage(Buffer.buffer(FrameCodec.encode(frame)))
          .onFailure(
              e ->
                  complete(
                      messageId,
                      null,
                      new DeliveryFailure(
                          DeliveryFailure.Reason.UNREACHABLE,
                          "long connection write failed: " + e)));
    }
    if (closed) {
      complete(
          messageId,
          null,
          new DeliveryFailure(DeliveryFailure.Reason.UNREACHABLE, "the long connection closed"));
    }
    return reply;
  }

  /** Closes the socket (server shutdown). */
  void close() {
    ws.close((short) 1001, "server going away");
  }

  private void received(Buffer buffer) {
    Frame frame;
    try {
      frame = FrameCodec.decode(buffer.getBytes());
    } catch (IllegalArgumentException e) {
      LOG.debug(
          "long connection app_id={} conn_id={}: undecodable frame: {}",
          appId,
          deviceId,
          e.getMessage());
      return;
    }
    if (frame.method() == Frame.CONTROL) {
      if ("ping".equals(frame.header("type"))) {
        ws.writeBinaryMessage(
            Buffer.buffer(FrameCodec.encode(LongConnectionFrames.pong(service, settings))));
      }
      return;
    }
    String messageId = frame.header("message_id");
    if (messageId == null) {
      return;
    }
    try {
      complete(messageId, LongConnectionFrames.reply(frame), null);
    } catch (IllegalArgumentException e) {
      complete(messageId, new BotReply(500, ""), null);
    }
  }

  private void complete(String messageId, BotReply reply, DeliveryFailure failure) {
    Pending p = pending.remove(messageId);
    if (p == null) {
      return; // already answered, timed out, or not ours
    }
    vertx.cancelTimer(p.timerId());
    if (failure != null) {
      p.reply().completeExceptionally(failure);
    } else {
      p.reply().complete(reply);
    }
  }

  private void closed() {
    closed = true;
    for (String messageId : List.copyOf(pending.keySet())) {
      complete(
          messageId,
          null,
          new DeliveryFailure(DeliveryFailure.Reason.UNREACHABLE, "the long connection closed"));
    }
    onClose.run();
  }
}
