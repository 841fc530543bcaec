package io.opencardkit.server.http;

import java.util.Map;

/**
 * The route template of an OpenAPI path, for logs and metric labels: the id after a collection's
 * name becomes the parameter's name ({@code /open-apis/cardkit/v1/cards/7335/elements/md/content} →
 * {@code /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content}). Worked out from the
 * path rather than from the router, because a call refused before its route ran (a bad token) must
 * be counted under its route too.
 */
final class ApiRoutes {
  private static final Map<String, String> ID_AFTER =
      Map.of(
          "cards",
          ":card_id",
          "elements",
          ":element_id",
          "messages",
          ":message_id",
          "reactions",
          ":reaction_id",
          "users",
          ":user_id");

  /** Fixed names that follow a collection and are not ids. */
  private static final java.util.Set<String> NOT_IDS = java.util.Set.of("id_convert");

  private ApiRoutes() {}

  static String template(String path) {
    StringBuilder route = new StringBuilder(path.length());
    int start = path.indexOf('/') + 1; // a path begins with '/'; a segment is what follows a '/'
    if (start == 0) {
      return route.toString();
    }
    String previous = path.substring(0, start - 1);
    while (true) {
      int end = path.indexOf('/', start);
      String segment = end < 0 ? path.substring(start) : path.substring(start, end);
      String id = ID_AFTER.get(previous);
      route
          .append('/')
          .append(id != null && !NOT_IDS.contains(segment) && !segment.isEmpty() ? id : segment);
      if (end < 0) {
        return route.toString();
      }
      previous = segment;
      start = end + 1;
    }
  }
}
