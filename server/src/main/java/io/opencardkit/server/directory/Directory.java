package io.opencardkit.server.directory;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencardkit.core.Fingerprints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The apps, users and chats OpenCardKit knows. Immutable; a new seed makes a new directory.
 *
 * <p>Besides the seeded group chats, every pair of an app and a user has an implicit p2p chat whose
 * id is derived from the pair, so it is the same on every start and every node.
 */
public final class Directory {
  private final Map<String, App> apps = new LinkedHashMap<>();
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<String, Chat> chats = new LinkedHashMap<>();

  public Directory(List<App> apps, List<User> users, List<Chat> groupChats) {
    apps.forEach(a -> this.apps.put(a.appId(), a));
    users.forEach(u -> this.users.put(u.openId(), u));
    groupChats.forEach(c -> this.chats.put(c.chatId(), c));
    for (App app : apps) {
      for (User user : users) {
        String id = p2pChatId(app.appId(), user.openId());
        this.chats.putIfAbsent(
            id, new Chat(id, app.name(), List.of(user.openId(), app.appId()), "p2p"));
      }
    }
  }

  /** The id of the p2p chat between a bot and a user. */
  public static String p2pChatId(String appId, String openId) {
    return "oc_" + Fingerprints.of("p2p", appId, openId);
  }

  /**
   * The stable union id of a user or bot open id (the directory holds open ids only; events carry
   * both).
   */
  public static String unionIdOf(String openId) {
    return "on_" + Fingerprints.of("union", openId);
  }

  public Optional<App> app(String appId) {
    return Optional.ofNullable(appId == null ? null : apps.get(appId));
  }

  public Optional<User> user(String openId) {
    return Optional.ofNullable(openId == null ? null : users.get(openId));
  }

  public Optional<Chat> chat(String chatId) {
    return Optional.ofNullable(chatId == null ? null : chats.get(chatId));
  }

  public List<App> apps() {
    return List.copyOf(apps.values());
  }

  public List<User> users() {
    return List.copyOf(users.values());
  }

  /** Seeded group chats only. */
  public List<Chat> groupChats() {
    List<Chat> groups = new ArrayList<>();
    chats.values().stream().filter(c -> !c.isP2p()).forEach(groups::add);
    return groups;
  }

  /** Every chat a user or bot belongs to, groups first. */
  public List<Chat> chatsOf(String memberId) {
    List<Chat> result = new ArrayList<>();
    chats.values().stream()
        .filter(c -> !c.isP2p() && c.members().contains(memberId))
        .forEach(result::add);
    chats.values().stream()
        .filter(c -> c.isP2p() && c.members().contains(memberId))
        .forEach(result::add);
    return result;
  }

  /** Display name of a user or bot id. */
  public Optional<String> nameOf(String id) {
    if (users.containsKey(id)) {
      return Optional.of(users.get(id).name());
    }
    if (apps.containsKey(id)) {
      return Optional.of(apps.get(id).name());
    }
    return apps.values().stream().filter(a -> a.botOpenId().equals(id)).map(App::name).findFirst();
  }

  /** The persisted form (seed-shaped). */
  public Snapshot snapshot() {
    return new Snapshot(apps(), users(), groupChats());
  }

  public static Directory of(Snapshot snapshot) {
    return new Directory(snapshot.apps(), snapshot.users(), snapshot.chats());
  }

  /** The seed-shaped form of a directory, as stored in the data directory. */
  public record Snapshot(
      @JsonProperty("apps") List<App> apps,
      @JsonProperty("users") List<User> users,
      @JsonProperty("chats") List<Chat> chats) {}
}
