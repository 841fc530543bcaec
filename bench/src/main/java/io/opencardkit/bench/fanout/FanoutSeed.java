package io.opencardkit.bench.fanout;

import io.opencardkit.bench.ChatsSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A generated seed: one bot, {@code users} users, all of them members of one group chat. */
final class FanoutSeed {
  final String appId = "cli_fanout" + hex(6);
  final String appSecret = "secret-" + hex(12);

  /** As long as the reference broadcaster's chat id, so that frames of both are the same size. */
  final String chatId = "oc_fanout" + hex(11);

  final List<String> users = new ArrayList<>();

  FanoutSeed(int userCount) {
    for (int i = 0; i < userCount; i++) {
      users.add(String.format("ou_viewer%06d", i));
    }
  }

  String yaml() {
    StringBuilder y = new StringBuilder();
    y.append("apps:\n  - {app_id: ")
        .append(appId)
        .append(", app_secret: \"")
        .append(appSecret)
        .append("\", name: Answer Bot}\n");
    y.append("users:\n");
    for (String user : users) {
      y.append("  - {open_id: ")
          .append(user)
          .append(", name: ")
          .append(user.substring(3))
          .append("}\n");
    }
    y.append("chats:\n  - {chat_id: ")
        .append(chatId)
        .append(", name: Fan-out, members: [")
        .append(appId);
    for (String user : users) {
      y.append(", ").append(user);
    }
    y.append("]}\n");
    return y.toString();
  }

  Path writeTo(Path dir) {
    return ChatsSeed.write(dir, yaml());
  }

  private static String hex(int bytes) {
    return ChatsSeed.randomHex(bytes);
  }
}
