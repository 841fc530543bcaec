package io.opencardkit.bus.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the Redis bus connects and how it names its channels and its node, parsed from a URL {@code
 * redis://[[user]:password@]host[:port][?channel=prefix&node=id]} ({@code rediss://} for TLS).
 *
 * <p>The password is a secret: {@link #toString()} is {@link #redacted()}, and no error message
 * repeats the URL.
 */
public final class RedisBusConfig {
  /** Redis's own default port. */
  public static final int DEFAULT_PORT = 6379;

  /** The channel prefix when the URL names none: channels are {@code opencardkit:all} and so on. */
  public static final String DEFAULT_CHANNEL_PREFIX = "opencardkit";

  // The node id travels in front of a newline and inside a channel name, so neither may hold
  // separators.
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern CHANNEL_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final boolean tls;
  private final String host;
  private final int port;
  private final String user; // null: Redis's default user
  private final String password; // null: the server asks for no password
  private final String channelPrefix;
  private final String nodeId; // null: the bus picks a random one when it starts

  private RedisBusConfig(
      boolean tls,
      String host,
      int port,
      String user,
      String password,
      String channelPrefix,
      String nodeId) {
    this.tls = tls;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.channelPrefix = channelPrefix;
    this.nodeId = nodeId;
  }

  /**
   * Parses a Redis bus URL.
   *
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if the scheme is not {@code redis} or {@code rediss}, the host
   *     or port is missing or invalid, the user info has no password, the URL has a path, fragment
   *     or unknown parameter, or the channel prefix or node id holds characters other than letters,
   *     digits, {@code .}, {@code _} and {@code -} ({@code :} too in the prefix)
   */
  public static RedisBusConfig parse(String url) {
    Objects.requireNonNull(url, "url");
    URI uri = toUri(url.strip());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw invalid("the scheme must be redis:// or rediss://");
    }
    if (uri.isOpaque() || uri.getHost() == null) {
      throw invalid("it needs a valid host, as in redis://host:6379");
    }
    if (!uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw invalid("it may not have a path: Redis database numbers do not scope pub/sub");
    }
    if (uri.getRawFragment() != null) {
      throw invalid("it may not have a #fragment");
    }
    String[] credentials = credentials(uri.getRawUserInfo());
    Map<String, String> parameters = parameters(uri.getRawQuery());
    return new RedisBusConfig(
        scheme.equals("rediss"),
        uri.getHost(),
        uri.getPort() == -1 ? DEFAULT_PORT : validPort(uri.getPort()),
        credentials[0],
        credentials[1],
        valid(
            "channel", parameters.getOrDefault("channel", DEFAULT_CHANNEL_PREFIX), CHANNEL_PREFIX),
        parameters.containsKey("node") ? valid("node", parameters.get("node"), NODE_ID) : null);
  }

  private static URI toUri(String url) {
    if (url.isEmpty()) {
      throw invalid("it is empty");
    }
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      // Not e.getMessage(): it quotes the input, password included.
      throw invalid(
          "it is malformed at character " + (e.getIndex() + 1) + " (" + e.getReason() + ")");
    }
  }

  /** Returns {user or null, password or null} from the raw user info. */
  private static String[] credentials(String rawUserInfo) {
    if (rawUserInfo == null) {
      return new String[] {null, null};
    }
    int colon = rawUserInfo.indexOf(':');
    if (colon < 0) {
      throw invalid("the part before @ must be [user]:password");
    }
    String user = decode(rawUserInfo.substring(0, colon));
    String password = decode(rawUserInfo.substring(colon + 1));
    if (password.isEmpty()) {
      throw invalid("the password before @ is empty");
    }
    return new String[] {user.isEmpty() ? null : user, password};
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&", -1)) {
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      if (!name.equals("channel") && !name.equals("node")) {
        throw invalid("unknown parameter '" + name + "' (known: channel, node)");
      }
      if (equals < 0) {
        throw invalid("parameter '" + name + "' needs a value");
      }
      if (parameters.put(name, decode(pair.substring(equals + 1))) != null) {
        throw invalid("parameter '" + name + "' is given twice");
      }
    }
    return parameters;
  }

  private static String decode(String raw) {
    // URLDecoder is for forms, where '+' means a space; in a URL it is a plus.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static int validPort(int port) {
    if (port < 1 || port > 65_535) {
      throw invalid("the port must be between 1 and 65535");
    }
    return port;
  }

  private static String valid(String parameter, String value, Pattern pattern) {
    if (!pattern.matcher(value).matches()) {
      throw invalid("parameter '" + parameter + "' must match " + pattern.pattern());
    }
    return value;
  }

  private static IllegalArgumentException invalid(String problem) {
    return new IllegalArgumentException("Invalid Redis bus URL: " + problem);
  }

  /** Whether the connection uses TLS ({@code rediss://}). */
  public boolean tls() {
    return tls;
  }

  /** The Redis server's host name or address (an IPv6 address in brackets). */
  public String host() {
    return host;
  }

  /** The Redis server's port. */
  public int port() {
    return port;
  }

  /** The Redis user (ACL), when the URL names one. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** Whether the URL carries a password. */
  public boolean hasPassword() {
    return password != null;
  }

  /**
   * The password, or null; package-private so that it cannot leak into logs from outside the bus.
   */
  String password() {
    return password;
  }

  /** The prefix of the bus's channels ({@code <prefix>:all}, {@code <prefix>:node:<id>}). */
  public String channelPrefix() {
    return channelPrefix;
  }

  /** This node's id, when the URL sets one; otherwise the bus picks a random one. */
  public Optional<String> nodeId() {
    return Optional.ofNullable(nodeId);
  }

  /** The URL with the password replaced by {@code ***}: safe to log. */
  public String redacted() {
    StringBuilder url = new StringBuilder(tls ? "rediss://" : "redis://");
    if (password != null) {
      url.append(user == null ? "" : user).append(":***@");
    }
    url.append(host).append(':').append(port).append("?channel=").append(channelPrefix);
    if (nodeId != null) {
      url.append("&node=").append(nodeId);
    }
    return url.toString();
  }

  /** Same as {@link #redacted()}. */
  @Override
  public String toString() {
    return redacted();
  }
}
