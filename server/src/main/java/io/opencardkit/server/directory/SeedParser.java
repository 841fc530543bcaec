package io.opencardkit.server.directory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a seed file (YAML) into a {@link Directory}. It works on the YAML node tree rather than on
 * bound objects so that every complaint names the line and the field, e.g. {@code seed.yaml:7:
 * apps[1].app_secret is required}.
 */
public final class SeedParser {
  private static final Pattern APP_ID = Pattern.compile("cli_[A-Za-z0-9_]{1,60}");
  private static final Pattern OPEN_ID = Pattern.compile("ou_[A-Za-z0-9_]{1,60}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Pattern CHAT_ID = Pattern.compile("oc_[A-Za-z0-9_]{1,60}");
  private static final Set<String> APP_FIELDS =
      Set.of(
          "app_id",
          "app_secret",
          "name",
          "callback_url",
          "event_url",
          "verification_token",
          "encrypt_key",
          "receive_all_group_messages",
          "card_callback");
  private static final Set<String> USER_FIELDS = Set.of("open_id", "name", "token", "email");
  private static final Set<String> CHAT_FIELDS = Set.of("chat_id", "name", "members");

  private final String fileName;

  private SeedParser(String fileName) {
    this.fileName = fileName;
  }

  /** Parses a seed file. */
  public static Directory parse(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new SeedParser(file.getFileName().toString()).parse(reader);
    } catch (IOException e) {
      throw new SeedException(file + ": cannot read the seed file: " + e.getMessage());
    }
  }

  /** Parses seed text; {@code name} appears in messages. */
  public static Directory parse(String name, Reader reader) {
    return new SeedParser(name).parse(reader);
  }

  private Directory parse(Reader reader) {
    Node root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new SeedException(fileName + ":" + line + ": not valid YAML: " + e.getProblem());
    }
    if (root == null) {
      throw new SeedException(
          fileName + ":1: the seed file is empty; it needs apps, users and chats");
    }
    MappingNode top = mapping(root, "the seed");
    List<App> apps = new ArrayList<>();
    List<User> users = new ArrayList<>();
    List<Chat> chats = new ArrayList<>();
    SequenceNode appNodes = null;
    SequenceNode userNodes = null;
    SequenceNode chatNodes = null;
    for (NodeTuple tuple : top.getValue()) {
      String key = scalar(tuple.getKeyNode(), "a top-level key");
      switch (key) {
        case "apps":
          appNodes = sequence(tuple.getValueNode(), "apps");
          break;
        case "users":
          userNodes = sequence(tuple.getValueNode(), "users");
          break;
        case "chats":
          chatNodes = sequence(tuple.getValueNode(), "chats");
          break;
        default:
          throw fail(
              tuple.getKeyNode(), key + ": unknown top-level key (expected apps, users, chats)");
      }
    }
    if (appNodes == null || appNodes.getValue().isEmpty()) {
      throw fail(root, "apps: at least one app is required");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < appNodes.getValue().size(); i++) {
      apps.add(app(appNodes.getValue().get(i), "apps[" + i + "]", ids));
    }
    if (userNodes != null) {
      for (int i = 0; i < userNodes.getValue().size(); i++) {
        users.add(user(userNodes.getValue().get(i), "users[" + i + "]", ids));
      }
    }
    if (chatNodes != null) {
      for (int i = 0; i < chatNodes.getValue().size(); i++) {
        chats.add(chat(chatNodes.getValue().get(i), "chats[" + i + "]", ids));
      }
    }
    return new Directory(apps, users, chats);
  }

  private App app(Node node, String path, Set<String> ids) {
    Fields f = new Fields(mapping(node, path), path, APP_FIELDS);
    String appId = f.required("app_id", APP_ID, "cli_ followed by letters, digits or _");
    unique(f.node("app_id"), path + ".app_id", appId, ids);
    return new App(
        appId,
        f.required("app_secret", null, null),
        f.optional("name", appId),
        f.optional("callback_url", null),
        f.optional("event_url", null),
        f.optional("verification_token", null),
        f.optional("encrypt_key", null),
        f.optionalBoolean("receive_all_group_messages"),
        f.optionalChoice("card_callback", App.CARD_ACTION_TRIGGER, App.CARD_ACTION_TRIGGER_V1));
  }

  private User user(Node node, String path, Set<String> ids) {
    Fields f = new Fields(mapping(node, path), path, USER_FIELDS);
    String openId = f.required("open_id", OPEN_ID, "ou_ followed by letters, digits or _");
    unique(f.node("open_id"), path + ".open_id", openId, ids);
    String email = f.optional("email", null);
    if (email != null) {
      if (!EMAIL.matcher(email).matches()) {
        throw fail(f.node("email"), path + ".email: '" + email + "' is not an e-mail address");
      }
      // Sign-in finds a user by address (ignoring case), so two users with one address would make
      // it guess.
      if (!ids.add("email:" + email.toLowerCase(java.util.Locale.ROOT))) {
        throw fail(f.node("email"), path + ".email: " + email + " is the address of another user");
      }
    }
    return new User(openId, f.optional("name", openId), f.optional("token", null), email);
  }

  private Chat chat(Node node, String path, Set<String> ids) {
    Fields f = new Fields(mapping(node, path), path, CHAT_FIELDS);
    String chatId = f.required("chat_id", CHAT_ID, "oc_ followed by letters, digits or _");
    unique(f.node("chat_id"), path + ".chat_id", chatId, ids);
    List<String> members = new ArrayList<>();
    Node membersNode = f.node("members");
    if (membersNode == null) {
      throw fail(node, path + ".members is required (a list of open_ids and app_ids)");
    }
    SequenceNode list = sequence(membersNode, path + ".members");
    for (int i = 0; i < list.getValue().size(); i++) {
      Node member = list.getValue().get(i);
      String id = scalar(member, path + ".members[" + i + "]");
      if (!ids.contains(id) || id.startsWith("oc_")) {
        throw fail(
            member,
            path + ".members[" + i + "]: " + id + " is not an app_id or open_id defined above");
      }
      members.add(id);
    }
    return new Chat(chatId, f.optional("name", chatId), members, "group");
  }

  private void unique(Node node, String path, String id, Set<String> ids) {
    if (!ids.add(id)) {
      throw fail(node, path + ": " + id + " is defined twice");
    }
  }

  /** The fields of one mapping, checked against the allowed names. */
  private final class Fields {
    private final MappingNode mapping;
    private final String path;

    Fields(MappingNode mapping, String path, Set<String> allowed) {
      this.mapping = mapping;
      this.path = path;
      for (NodeTuple tuple : mapping.getValue()) {
        String key = scalar(tuple.getKeyNode(), path + " key");
        if (!allowed.contains(key)) {
          throw fail(
              tuple.getKeyNode(),
              path
                  + "."
                  + key
                  + ": unknown field (allowed: "
                  + String.join(", ", new java.util.TreeSet<>(allowed))
                  + ")");
        }
      }
    }

    Node node(String field) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode
            && field.equals(((ScalarNode) tuple.getKeyNode()).getValue())) {
          return tuple.getValueNode();
        }
      }
      return null;
    }

    String required(String field, Pattern pattern, String expected) {
      Node value = node(field);
      if (value == null) {
        throw fail(mapping, path + "." + field + " is required");
      }
      String text = scalar(value, path + "." + field);
      if (text.isBlank()) {
        throw fail(value, path + "." + field + " must not be empty");
      }
      if (pattern != null && !pattern.matcher(text).matches()) {
        throw fail(value, path + "." + field + ": '" + text + "' must be " + expected);
      }
      return text;
    }

    String optional(String field, String fallback) {
      Node value = node(field);
      return value == null ? fallback : scalar(value, path + "." + field);
    }

    Boolean optionalBoolean(String field) {
      Node value = node(field);
      if (value == null) {
        return null;
      }
      String text = scalar(value, path + "." + field);
      if (!"true".equals(text) && !"false".equals(text)) {
        throw fail(value, path + "." + field + ": '" + text + "' must be true or false");
      }
      return Boolean.valueOf(text);
    }

    String optionalChoice(String field, String... allowed) {
      Node value = node(field);
      if (value == null) {
        return null;
      }
      String text = scalar(value, path + "." + field);
      if (!java.util.Arrays.asList(allowed).contains(text)) {
        throw fail(
            value,
            path + "." + field + ": '" + text + "' must be one of " + String.join(", ", allowed));
      }
      return text;
    }
  }

  private MappingNode mapping(Node node, String what) {
    if (!(node instanceof MappingNode)) {
      throw fail(node, what + " must be a mapping of field: value");
    }
    return (MappingNode) node;
  }

  private SequenceNode sequence(Node node, String what) {
    if (!(node instanceof SequenceNode)) {
      throw fail(node, what + " must be a list");
    }
    return (SequenceNode) node;
  }

  private String scalar(Node node, String what) {
    if (!(node instanceof ScalarNode)) {
      throw fail(node, what + " must be a single value");
    }
    return ((ScalarNode) node).getValue();
  }

  private SeedException fail(Node node, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    return new SeedException(fileName + ":" + line + ": " + message);
  }
}
