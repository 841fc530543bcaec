package io.opencardkit.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the PostgreSQL store lives: server, database, credentials, the schema holding its tables,
 * the size of the read pool and how long to wait for a connection. Immutable; {@link #toString()}
 * never shows the password.
 *
 * @param host server name or address
 * @param port server port
 * @param database database name
 * @param user role to connect as
 * @param password the role's password, or {@code null} (trust or peer authentication)
 * @param schema the schema of the tables, created by the first open; a lower-case SQL identifier
 * @param poolSize connections of the read pool
 * @param connectTimeout how long opening a connection (or waiting for a pooled one) may take before
 *     failing
 */
public record PostgresConfig(
    String host,
    int port,
    String database,
    String user,
    String password,
    String schema,
    int poolSize,
    Duration connectTimeout) {

  public static final int DEFAULT_PORT = 5432;
  public static final String DEFAULT_SCHEMA = "opencardkit";
  public static final int DEFAULT_POOL_SIZE = 8;

  /** Short, so that an outage answers requests within seconds instead of hanging them. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  // unquoted identifiers only: PostgreSQL folds them to lower case, so every tool names the schema
  // the same way
  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int MAX_POOL_SIZE = 1000;
  private static final String MASK = "***";

  public PostgresConfig {
    requireText(host, "host");
    requireText(database, "database");
    requireText(user, "user");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    argument(port >= 1 && port <= 65_535, "port must be within 1..65535: %s", port);
    argument(
        SCHEMA_NAME.matcher(schema).matches(),
        "schema must be a lower-case SQL identifier (letters, digits, _; at most 63): %s",
        schema);
    argument(
        poolSize >= 1 && poolSize <= MAX_POOL_SIZE,
        "pool must be within 1..%s: %s",
        MAX_POOL_SIZE,
        poolSize);
    argument(
        connectTimeout.toMillis() >= 250 && connectTimeout.toSeconds() <= 3600,
        "connect timeout must be within 250 ms..1 h: %s",
        connectTimeout);
  }

  /**
   * Reads {@code
   * postgresql://user[:password]@host[:port]/database[?schema=name&pool=8&connect_timeout=5]} (also
   * {@code postgres://}); user, password and database may be percent-encoded. {@code
   * connect_timeout} is in seconds, as libpq reads it.
   *
   * @throws IllegalArgumentException naming what is wrong; the message shows the URL with its
   *     password masked
   */
  public static PostgresConfig parse(String url) {
    Objects.requireNonNull(url, "url");
    try {
      return parseOrThrow(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid PostgreSQL URL " + redact(url) + ": " + e.getMessage());
    }
  }

  private static PostgresConfig parseOrThrow(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // not e's message: it quotes the URL, password and all
      throw new IllegalArgumentException(
          "not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException("the scheme must be postgresql:// or postgres://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host, or a port that is not a number");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
      throw new IllegalArgumentException("no user (write user[:password]@ before the host)");
    }
    int colon = userInfo.indexOf(':');
    String path = uri.getRawPath();
    if (path == null || path.length() <= 1 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException("the path must name the database: /database");
    }
    Map<String, String> params = queryParameters(uri.getRawQuery());
    String host = uri.getHost();
    return new PostgresConfig(
        host.startsWith("[") ? host.substring(1, host.length() - 1) : host, // an IPv6 address
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        decode(path.substring(1)),
        decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
        colon < 0 ? null : decode(userInfo.substring(colon + 1)),
        params.getOrDefault("schema", DEFAULT_SCHEMA),
        intParameter(params, "pool", DEFAULT_POOL_SIZE),
        Duration.ofSeconds(
            intParameter(params, "connect_timeout", (int) DEFAULT_CONNECT_TIMEOUT.toSeconds())));
  }

  /** The same place with another schema (tests give each run a schema of its own). */
  public PostgresConfig withSchema(String otherSchema) {
    return new PostgresConfig(
        host, port, database, user, password, otherSchema, poolSize, connectTimeout);
  }

  /** The URL of this configuration with the password masked, for logs and messages. */
  public String redacted() {
    String credentials = encode(user) + (password == null ? "" : ":" + MASK);
    String server = host.contains(":") ? "[" + host + "]" : host; // an IPv6 address
    return "postgresql://"
        + credentials
        + "@"
        + server
        + ":"
        + port
        + "/"
        + encode(database)
        + "?schema="
        + schema
        + "&pool="
        + poolSize
        + "&connect_timeout="
        + Math.max(1, connectTimeout.toSeconds());
  }

  /**
   * The JDBC URL, without credentials (they travel as connection properties, never in a URL that
   * gets logged).
   */
  String jdbcUrl() {
    String server = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + server + ":" + port + "/" + encode(database);
  }

  @Override
  public String toString() {
    return "PostgresConfig[" + redacted() + "]";
  }

  /**
   * {@code url} with its password masked, however malformed the rest is: everything from the first
   * {@code :} after {@code //} to the last {@code @}. A password may hold an unencoded {@code /},
   * {@code ?} or {@code @}, so the last {@code @} of the whole text is taken, not of the authority;
   * masking too much is harmless.
   */
  static String redact(String url) {
    int at = url.lastIndexOf('@');
    if (at < 0) {
      return url;
    }
    int start = url.indexOf("//");
    if (start < 0 || start > at) {
      return MASK; // no authority to find the password in: show none of it
    }
    int colon = url.indexOf(':', start + 2);
    if (colon < 0 || colon > at) {
      return url;
    }
    return url.substring(0, colon + 1) + MASK + url.substring(at);
  }

  private static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals("schema") && !name.equals("pool") && !name.equals("connect_timeout")) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "' (known: schema, pool, connect_timeout)");
      }
      if (eq < 0 || params.put(name, decode(pair.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("parameter '" + name + "' needs exactly one value");
      }
    }
    return params;
  }

  private static int intParameter(Map<String, String> params, String name, int fallback) {
    String value = params.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number: " + value);
    }
  }

  private static String decode(String raw) {
    try {
      // URLDecoder reads '+' as a space, which is form encoding, not URL encoding: keep it a plus
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // not e's message: it quotes the text, which may be the password
      throw new IllegalArgumentException(
          "a bad %-escape in the user, password, database or a parameter");
    }
  }

  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    argument(!value.isBlank(), "%s cannot be blank", name);
  }

  private static void argument(boolean valid, String template, Object... args) {
    if (!valid) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }
}
