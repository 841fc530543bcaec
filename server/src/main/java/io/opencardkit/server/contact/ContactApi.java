package io.opencardkit.server.contact;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import io.opencardkit.server.http.Envelope;
import io.opencardkit.server.http.Responder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /open-apis/contact/v3/users/:user_id}: a user of the directory, for bots that show
 * their senders' names. {@code user_id_type} may be {@code open_id} (the default) or {@code
 * union_id} (the ids events carry); OpenCardKit has no {@code user_id}s.
 */
public final class ContactApi {
  private final Supplier<Directory> directory;

  public ContactApi(Supplier<Directory> directory) {
    this.directory = directory;
  }

  public void mount(Router router) {
    router.get("/open-apis/contact/v3/users/:user_id").handler(this::user);
  }

  private void user(RoutingContext ctx) {
    try {
      String type = ctx.queryParams().get("user_id_type");
      String id = ctx.pathParam("user_id");
      Optional<User> user;
      if (type == null || type.isEmpty() || "open_id".equals(type)) {
        user = directory.get().user(id);
      } else if ("union_id".equals(type)) {
        user =
            directory.get().users().stream()
                .filter(u -> Directory.unionIdOf(u.openId()).equals(id))
                .findFirst();
      } else {
        throw ApiException.of(
            ErrorCode.FIELD_VALIDATION,
            "user_id_type " + type + " is not supported by OpenCardKit (open_id, union_id)");
      }
      User found =
          user.orElseThrow(
              () ->
                  ApiException.of(
                      ErrorCode.CONTACT_NO_USER_AUTHORITY, "no user " + id + " in the directory"));
      ObjectNode node = Json.object();
      node.put("open_id", found.openId()).put("union_id", Directory.unionIdOf(found.openId()));
      node.put("name", found.name()).put("en_name", found.name()).put("nickname", "");
      node.putObject("avatar")
          .put("avatar_72", "")
          .put("avatar_240", "")
          .put("avatar_640", "")
          .put("avatar_origin", "");
      node.putObject("status")
          .put("is_frozen", false)
          .put("is_resigned", false)
          .put("is_activated", true)
          .put("is_exited", false)
          .put("is_unjoin", false);
      ObjectNode data = Json.object();
      data.set("user", node);
      Envelope.ok(ctx, data);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }
}
