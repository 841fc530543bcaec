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
    String[] segments = path.split("/", -1);
    StringBuilder route = new StringBuilder(path.length());
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      String id = ID_AFTER.get(segments[i - 1]);
      route
          .append('/')
          .append(id != null && !NOT_IDS.contains(segment) && !segment.isEmpty() ? id : segment);
    }
    return route.toString();
  }
}
