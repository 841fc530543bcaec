package io.opencardkit.server.signin;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A browser without a page: keeps cookies, follows nothing by itself, so a test sees every step of
 * a sign-in.
 */
final class SignInClient {
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** One answer: its status, {@code Location} (or null) and body. */
  record Step(int status, String location, String body, HttpResponse<String> raw) {}

  Step get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  Step post(String url, String json, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request);
  }

  private Step send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    return new Step(
        response.statusCode(),
        response.headers().firstValue("Location").orElse(null),
        response.body(),
        response);
  }

  /**
   * Signs in at {@code baseUrl} through the provider (which must sign in without a page): login,
   * the provider's authorization, the callback. Returns the callback's answer: a redirect to {@code
   * next}, or a refusal page.
   */
  Step signIn(String baseUrl, String next) throws Exception {
    Step login =
        get(baseUrl + "/web/auth/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    if (login.status() != 302) {
      throw new AssertionError("login answered " + login.status() + ": " + login.body());
    }
    Step authorized = get(login.location());
    if (authorized.status() != 302) {
      throw new AssertionError(
          "the provider answered " + authorized.status() + ": " + authorized.body());
    }
    return get(authorized.location());
  }

  /**
   * {@code okc_session=…} as this client sends it to {@code baseUrl}, or null when it holds none.
   */
  String sessionCookie(String baseUrl) {
    for (HttpCookie cookie : cookies.getCookieStore().get(URI.create(baseUrl + "/"))) {
      if (SessionCookies.SESSION.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
        return cookie.getName() + "=" + cookie.getValue();
      }
    }
    return null;
  }
}
