package io.opencardkit.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.server.testkit.PageSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * What a page makes of the frames one socket received for one card's element {@code md}: it starts
 * from the card the first message or snapshot frame carried and applies every later card frame as
 * the page does, noting each frame that did not follow the version it holds (a gap or a duplicate:
 * the page would have had to reload).
 */
final class ViewerModel {
  long version = -1;
  String text;
  final List<String> anomalies = new ArrayList<>();
  int increments;

  static ViewerModel of(PageSocket socket, String cardId) {
    return of(List.of(socket), cardId);
  }

  /**
   * The page across reconnects: the frames of each socket in turn (the page keeps what it held).
   */
  static ViewerModel of(List<PageSocket> sockets, String cardId) {
    ViewerModel model = new ViewerModel();
    for (PageSocket socket : sockets) {
      for (JsonNode frame : socket.frames()) {
        model.apply(frame, cardId);
      }
    }
    return model;
  }

  private void apply(JsonNode frame, String cardId) {
    switch (frame.path("type").asText()) {
      case "message":
        JsonNode card = frame.path("message").path("card");
        if (cardId.equals(card.path("card_id").asText())
            && card.path("version").asLong() > version) {
          version = card.path("version").asLong();
          text =
              ElementTree.content(
                  ElementTree.find(
                      (com.fasterxml.jackson.databind.node.ObjectNode) card.get("card"), "md"));
        }
        break;
      case "snapshot":
        if (cardId.equals(frame.path("card_id").asText())) {
          version = frame.path("version").asLong();
          text =
              ElementTree.content(
                  ElementTree.find(
                      (com.fasterxml.jackson.databind.node.ObjectNode) frame.get("card"), "md"));
        }
        break;
      case "card":
        if (!cardId.equals(frame.path("card_id").asText()) || version < 0) {
          return;
        }
        long v = frame.path("version").asLong();
        if (v != version + 1) {
          anomalies.add("frame of version " + v + " while holding " + version);
          return;
        }
        version = v;
        String op = frame.path("op").asText();
        if ("append".equals(op)) {
          int offset =
              frame.has("offset")
                  ? frame.path("offset").asInt()
                  : text.length(); // compact frames append at the end
          text = text.substring(0, offset) + frame.path("text").asText();
          increments++;
        } else if ("replace".equals(op)) {
          text = frame.path("text").asText();
          increments++;
        }
        break;
      default:
        break;
    }
  }
}
