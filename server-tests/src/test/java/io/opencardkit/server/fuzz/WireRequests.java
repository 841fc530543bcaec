package io.opencardkit.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds requests below what an HTTP client lets one send: query strings with bad escapes, odd
 * separators, raw bytes and long values; headers that are malformed, contradictory or huge; and
 * bytes that are hardly HTTP at all. Every request ends with {@code Connection: close} (when it has
 * headers at all), so one connection carries one exchange.
 */
final class WireRequests {
  /** One generated request and how it was made (for a failure message). */
  record Wire(String kind, byte[] bytes) {
    String describe() {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      StringBuilder shown = new StringBuilder();
      for (char c : (text.length() <= 1200 ? text : text.substring(0, 1200) + "…").toCharArray()) {
        shown.append(
            c >= 0x20 && c < 0x7F
                ? String.valueOf(c)
                : c == '\r'
                    ? "\\r"
                    : c == '\n' ? "\\n\n      " : String.format("\\x%02X", (int) c));
      }
      return kind + ": " + shown;
    }
  }

  private static final List<String> PARAMS =
      List.of(
          "container_id_type",
          "container_id",
          "receive_id_type",
          "page_size",
          "page_token",
          "sort_type",
          "start_time",
          "end_time",
          "user_id_type",
          "reaction_type",
          "user",
          "limit",
          "ticket",
          "next",
          "state",
          "code",
          "x");
  private static final List<String> JUNK =
      List.of(
          "%",
          "%Z",
          "%ZZ",
          "%FF",
          "%C3",
          "%C3%28",
          "%ED%A0%80",
          "%00",
          "%25",
          "%%",
          "%2",
          "+",
          "&",
          "=",
          ";",
          "==",
          "#",
          "%E4%B8%AD",
          "%F0%9F%98%80",
          "?",
          "/",
          "..",
          "\\",
          "'",
          "\"",
          "<script>",
          "a%20b");

  private final FuzzValues v;
  private final FuzzWorld world;
  private final String token;

  WireRequests(FuzzValues values, FuzzWorld world, String token) {
    this.v = values;
    this.world = world;
    this.token = token;
  }

  Wire next() {
    int r = v.below(100);
    if (r < 45) {
      return fuzzedQuery();
    }
    if (r < 85) {
      return fuzzedHeaders();
    }
    return rawBytes();
  }

  /** A real endpoint with a query string of fuzzed parameter names and values. */
  private Wire fuzzedQuery() {
    String path =
        v.oneOf(
            "/open-apis/im/v1/messages",
            "/open-apis/im/v1/messages",
            "/open-apis/im/v1/messages/" + messageId() + "/reactions",
            "/open-apis/contact/v3/users/" + world.alice,
            "/web/api/session",
            "/web/api/chats",
            "/web/api/chats/" + world.chatId + "/messages",
            "/callback/ws",
            "/healthz",
            "/open-apis/cardkit/v1/cards/"
                + v.oneOf("7000000000000000000", "%ZZ", "%")
                + "/settings");
    StringBuilder query = new StringBuilder();
    int params = v.below(6);
    for (int i = 0; i < params; i++) {
      if (i > 0) {
        query.append(v.chance(0.9) ? "&" : v.oneOf(";", "&&", "&=&"));
      }
      query.append(v.chance(0.9) ? v.oneOf(PARAMS) : junk());
      if (v.chance(0.9)) {
        query.append('=').append(value());
      }
    }
    boolean body =
        (path.equals("/open-apis/im/v1/messages") && v.chance(0.4)) || path.endsWith("/settings");
    String method = body ? (path.endsWith("/settings") ? "PATCH" : "POST") : "GET";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii(method + " " + path + (query.length() > 0 || v.chance(0.5) ? "?" : "")));
    out.writeBytes(latin1(query.toString()));
    out.writeBytes(ascii(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"));
    if (v.chance(0.8)) {
      out.writeBytes(ascii("Authorization: Bearer " + token + "\r\n"));
    }
    byte[] json =
        ascii(
            body
                ? "{\"receive_id\":\""
                    + world.chatId
                    + "\",\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"hi\\\"}\",\"sequence\":1}"
                : "");
    if (body) {
      out.writeBytes(
          ascii("Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n"));
    }
    out.writeBytes(ascii("\r\n"));
    out.writeBytes(json);
    return new Wire("query", out.toByteArray());
  }

  private String value() {
    int r = v.below(100);
    if (r < 25)
      return v.oneOf(
          "chat",
          world.chatId,
          world.alice,
          "chat_id",
          "open_id",
          "20",
          "0",
          "-1",
          "ByCreateTimeDesc",
          "");
    if (r < 60) return junk() + (v.chance(0.5) ? junk() : "") + (v.chance(0.3) ? "x" : "");
    if (r < 70) return "x".repeat(v.oneOf(100, 2_000, 3_900));
    if (r < 85)
      return new String(
          rawHigh(1 + v.below(8)), StandardCharsets.ISO_8859_1); // raw bytes ≥ 0x80 in the target
    return FuzzRequests.encode(v.string());
  }

  private String junk() {
    return v.oneOf(JUNK);
  }

  private byte[] rawHigh(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (0x80 + v.below(128));
    }
    return bytes;
  }

  /** A real request (the target card's neighbourhood, an IM send, a list) with fuzzed headers. */
  private Wire fuzzedHeaders() {
    boolean withBody = v.chance(0.6);
    String target =
        withBody
            ? v.oneOf(
                "/open-apis/im/v1/messages?receive_id_type=chat_id",
                "/open-apis/cardkit/v1/cards",
                "/web/api/chats/" + world.chatId + "/messages?user=" + world.alice,
                "/open-apis/auth/v3/tenant_access_token/internal",
                "/callback/ws/endpoint")
            : v.oneOf(
                "/open-apis/im/v1/messages?container_id_type=chat&container_id=" + world.chatId,
                "/web/api/session?user=" + world.alice,
                "/web/ws?user=" + world.alice,
                "/callback/ws?ticket=x",
                "/healthz",
                "/open-apis/contact/v3/users/" + world.alice);
    byte[] body = withBody ? body() : new byte[0];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii((withBody ? "POST " : "GET ") + target + " HTTP/1.1\r\n"));
    if (v.chance(0.95)) {
      out.writeBytes(
          ascii(
              "Host: "
                  + v.oneOf("127.0.0.1", "127.0.0.1", "x", "", "[::1", "a b", "127.0.0.1:99999")
                  + "\r\n"));
    }
    out.writeBytes(ascii("Connection: close\r\n"));
    int headers = 1 + v.below(4);
    boolean lengthSent = false;
    for (int i = 0; i < headers; i++) {
      int r = v.below(100);
      if (r < 15) {
        out.writeBytes(
            ascii(
                "Authorization: "
                    + v.oneOf(
                        "Bearer " + token,
                        "Bearer",
                        "Bearer  ",
                        "Basic eDp5",
                        "bearer " + token,
                        "Bearer " + token + "x")
                    + "\r\n"));
      } else if (r < 20) {
        out.writeBytes(ascii("Authorization: Bearer "));
        out.writeBytes(rawHigh(5));
        out.writeBytes(ascii("\r\n"));
      } else if (r < 35) {
        out.writeBytes(
            ascii(
                "Content-Type: "
                    + v.oneOf(
                        "application/json",
                        "application/json; charset=iso-8859-1",
                        "text/plain",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data",
                        "multipart/form-data; boundary=",
                        "application/json; charset=\"",
                        ";;;",
                        "%ZZ",
                        "")
                    + "\r\n"));
      } else if (r < 45 && withBody) {
        lengthSent = true;
        out.writeBytes(
            ascii(
                "Content-Length: "
                    + v.oneOf(
                        Integer.toString(body.length),
                        "-1",
                        "abc",
                        "99999999999999999999",
                        Integer.toString(body.length) + ", " + body.length,
                        "0x10",
                        " " + body.length)
                    + "\r\n"));
      } else if (r < 50) {
        out.writeBytes(
            ascii(
                "Transfer-Encoding: "
                    + v.oneOf("chunked", "gzip", "identity", "chunked, chunked", "xchunked")
                    + "\r\n"));
      } else if (r < 55) {
        out.writeBytes(
            ascii(
                v.oneOf(
                        "X a: b",
                        "X-A b",
                        ": empty name",
                        "X-\u0001: ctl",
                        " folded: line",
                        "\tX: tab",
                        "X-Long: " + "y".repeat(9_000))
                    + "\r\n"));
      } else if (r < 65) {
        out.writeBytes(
            ascii(
                "Cookie: "
                    + v.oneOf(
                        "okc_session=%ZZ",
                        "okc_session=",
                        "=;=;",
                        "okc_session=" + "a".repeat(5000),
                        "a=b; okc_session=x.y.z")
                    + "\r\n"));
      } else if (r < 72) {
        out.writeBytes(
            ascii(
                "Origin: "
                    + v.oneOf(
                        "null",
                        "http://evil.example",
                        "%ZZ",
                        "http://[::1",
                        "http://127.0.0.1:1",
                        "")
                    + "\r\n"));
      } else if (r < 78) {
        out.writeBytes(
            ascii(
                v.oneOf(
                        "Upgrade: websocket",
                        "Upgrade: h2c",
                        "Connection: Upgrade",
                        "Sec-WebSocket-Key: x",
                        "Sec-WebSocket-Version: 99",
                        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99")
                    + "\r\n"));
      } else if (r < 82) {
        out.writeBytes(ascii("Expect: " + v.oneOf("100-continue", "200-ok", "") + "\r\n"));
      } else if (r < 88) {
        out.writeBytes(
            ascii(
                v.oneOf(
                        "X-Forwarded-Proto: %ZZ",
                        "X-Forwarded-For: ::::",
                        "Sec-Fetch-Site: cross-site",
                        "Accept-Encoding: gzip, br, zstd",
                        "Content-Encoding: gzip",
                        "Host: second.example")
                    + "\r\n"));
      } else {
        out.writeBytes(ascii("X-Raw: "));
        out.writeBytes(rawHigh(1 + v.below(20)));
        out.writeBytes(ascii("\r\n"));
      }
    }
    if (withBody && !lengthSent) {
      out.writeBytes(ascii("Content-Length: " + body.length + "\r\n"));
    }
    out.writeBytes(ascii("\r\n"));
    out.writeBytes(body);
    return new Wire("headers", out.toByteArray());
  }

  private byte[] body() {
    int r = v.below(100);
    if (r < 50) {
      return ascii(
          "{\"receive_id\":\""
              + world.chatId
              + "\",\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"hi\\\"}\",\"type\":\"card_json\","
              + "\"data\":\"{}\",\"app_id\":\""
              + world.appId
              + "\",\"app_secret\":\"x\",\"text\":\"hi\"}");
    }
    if (r < 80) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(ascii("{\"content\":\"x"));
      out.writeBytes(rawHigh(1 + v.below(6)));
      out.writeBytes(ascii("\",\"text\":\"y\"}"));
      return out.toByteArray();
    }
    return FuzzRequests.utf8Json(v.anyJson(3));
  }

  /**
   * Bytes that are barely HTTP: random bytes, or a real request with some of its head's bytes
   * replaced.
   */
  private Wire rawBytes() {
    byte[] bytes;
    if (v.chance(0.4)) {
      bytes = new byte[1 + v.below(300)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) v.below(256);
      }
      if (bytes[0] == 'P') {
        // "PRI * HTTP/2.0" starts HTTP/2 with prior knowledge, which answers in frames, not JSON
        bytes[0] = 'Q';
      }
    } else {
      bytes =
          ascii(
              "GET /open-apis/im/v1/messages?container_id_type=chat&container_id="
                  + world.chatId
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\n");
      int flips = 1 + v.below(4);
      for (int i = 0; i < flips; i++) {
        bytes[v.below(bytes.length)] = (byte) v.below(256);
      }
      if (bytes[0] == 'P') {
        bytes[0] = 'Q';
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes);
    out.writeBytes(
        ascii("\r\nConnection: close\r\n\r\n")); // so that every request ends, whatever came before
    return new Wire("raw", out.toByteArray());
  }

  private String messageId() {
    return world.messages.isEmpty() ? "om_x" : v.oneOf(world.messages);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
