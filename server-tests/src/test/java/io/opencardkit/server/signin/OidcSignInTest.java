package io.opencardkit.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestIdentityProvider;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.server.web.WebClient;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect sign-in against a real provider, step by step over HTTP (the browser test drives
 * it in Chromium).
 */
final class OidcSignInTest {
  private final TestIdentityProvider idp = TestIdentityProvider.start();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    idp.close();
  }

  private TestServer start(boolean autoProvision) {
    server =
        TestServer.start(
            Clock.systemUTC(), Duration.ofMinutes(10), c -> idp.configure(c, autoProvision));
    return server;
  }

  @Test
  void knownUser_signsInByEmail_withPkce_andGetsAnHttpOnlyLaxSession() throws Exception {
    start(false);
    idp.nextSignIn(
        "sub-alice",
        Map.of("email", server.seed.aliceEmail.toUpperCase(Locale.ROOT), "email_verified", true));
    SignInClient browser = new SignInClient();

    SignInClient.Step done = browser.signIn(server.baseUrl(), "/?chat=" + server.seed.chatId);

    assertThat(done.status()).as(done.body()).isEqualTo(302);
    assertThat(done.location()).isEqualTo("/?chat=" + server.seed.chatId);
    String setCookie =
        done.raw().headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("okc_session="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie.toLowerCase(Locale.ROOT))
        .contains("; httponly", "; samesite=lax", "; path=/", "; max-age=43200");
    WebClient web = new WebClient(server.baseUrl());
    WebClient.Reply session =
        web.get("/web/api/session", "Cookie", browser.sessionCookie(server.baseUrl()));
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.body().get("user").get("open_id").asText())
        .isEqualTo(server.seed.alice); // the address matched, case aside
    assertThat(session.body().get("sign_in").asText()).isEqualTo("oidc");

    // PKCE: the provider was asked for an S256 challenge, and the code was redeemed with its
    // verifier.
    Map<String, String> authorize = null;
    Map<String, String> token = null;
    while (authorize == null || token == null) { // discovery and the keys come first
      RecordedRequest r = idp.takeRequest();
      if (r.getPath().contains("/authorize")) {
        authorize = form(URI.create(r.getPath()).getRawQuery());
      } else if (r.getPath().endsWith("/token")) {
        token = form(r.getBody().readUtf8());
      }
    }
    assertThat(authorize)
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce");
    assertThat(token).containsKey("code_verifier");
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(token.get("code_verifier").getBytes(StandardCharsets.US_ASCII));
    assertThat(authorize.get("code_challenge"))
        .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
  }

  @Test
  void aNextAddressOnAnotherSite_isReplacedByThePage() throws Exception {
    start(false);
    idp.nextSignIn("sub-alice", Map.of("email", server.seed.aliceEmail));
    assertThat(new SignInClient().signIn(server.baseUrl(), "//evil.example/steal").location())
        .isEqualTo("/");
  }

  @Test
  void unknownPerson_isRefusedWithAPageThatSaysWhy() throws Exception {
    start(false);
    idp.nextSignIn("sub-mallory", Map.of("email", "mallory@example.com"));
    SignInClient browser = new SignInClient();

    SignInClient.Step refused = browser.signIn(server.baseUrl(), "/");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(refused.body())
        .contains(
            "data-testid=\"signin-unknown-user\"",
            "mallory@example.com is not a user of this OpenCardKit");
    assertThat(browser.sessionCookie(server.baseUrl())).isNull();
  }

  @Test
  void anAddressTheProviderDidNotVerify_namesNobody() throws Exception {
    start(false);
    idp.nextSignIn("sub-someone", Map.of("email", server.seed.aliceEmail, "email_verified", false));
    SignInClient browser = new SignInClient();

    SignInClient.Step refused = browser.signIn(server.baseUrl(), "/");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("is not verified");
    assertThat(browser.sessionCookie(server.baseUrl())).isNull();
  }

  @Test
  void autoProvision_addsAnUnknownPersonOnce() throws Exception {
    start(true);
    Map<String, Object> carol =
        new HashMap<>(Map.of("email", "carol@example.com", "name", "Carol"));
    idp.nextSignIn("sub-carol", carol);
    SignInClient first = new SignInClient();
    assertThat(first.signIn(server.baseUrl(), "/").status()).isEqualTo(302);
    WebClient web = new WebClient(server.baseUrl());
    WebClient.Reply session =
        web.get("/web/api/session", "Cookie", first.sessionCookie(server.baseUrl()));
    assertThat(session.body().get("user").get("name").asText()).isEqualTo("Carol");
    String openId = session.body().get("user").get("open_id").asText();
    assertThat(openId).matches("ou_[0-9a-f]{32}");
    // A new person is in no group chat: only the p2p chats with the bots.
    assertThat(web.get("/web/api/chats", "Cookie", first.sessionCookie(server.baseUrl())).body())
        .extracting(c -> c.get("type").asText())
        .containsOnly("p2p");

    idp.nextSignIn("sub-carol", carol);
    SignInClient second = new SignInClient();
    assertThat(second.signIn(server.baseUrl(), "/").status()).isEqualTo(302);
    assertThat(
            web.get("/web/api/session", "Cookie", second.sessionCookie(server.baseUrl()))
                .body()
                .get("user")
                .get("open_id")
                .asText())
        .isEqualTo(openId);
    assertThat(server.server().directory().users())
        .extracting(u -> u.openId())
        .containsOnlyOnce(openId)
        .hasSize(3);
  }

  @Test
  void aCallbackThisServerDidNotStart_isRefused() throws Exception {
    start(false);
    SignInClient browser = new SignInClient();
    SignInClient.Step forged =
        browser.get(server.baseUrl() + "/web/auth/callback?code=stolen&state=guess");
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.body()).contains("data-testid=\"signin-stale\"");

    // A sign-in in flight, answered with another state (a callback link made for someone else's
    // sign-in).
    assertThat(browser.get(server.baseUrl() + "/web/auth/login").status()).isEqualTo(302);
    SignInClient.Step mixedUp =
        browser.get(server.baseUrl() + "/web/auth/callback?code=stolen&state=guess");
    assertThat(mixedUp.status()).isEqualTo(400);
    assertThat(browser.sessionCookie(server.baseUrl())).isNull();
  }

  @Test
  void signOut_endsTheSession_andOnlyThisServersPagesMayAskForIt() throws Exception {
    start(false);
    idp.nextSignIn("sub-alice", Map.of("email", server.seed.aliceEmail));
    SignInClient browser = new SignInClient();
    browser.signIn(server.baseUrl(), "/");
    String cookie = browser.sessionCookie(server.baseUrl());
    WebClient web = new WebClient(server.baseUrl());

    assertThat(
            web.post("/web/auth/logout", "{}", "Cookie", cookie, "Origin", "http://evil.example")
                .status())
        .isEqualTo(403);
    assertThat(web.get("/web/api/session", "Cookie", cookie).status()).isEqualTo(200);
    PageSocket page =
        PageSocket.open(server.baseUrl(), "", false, Map.of("Cookie", cookie)).loaded();
    WebClient.Reply out =
        web.post("/web/auth/logout", "{}", "Cookie", cookie, "Origin", server.baseUrl());
    assertThat(out.status()).isEqualTo(200);
    assertThat(out.raw().headers().firstValue("Set-Cookie"))
        .hasValueSatisfying(c -> assertThat(c.toLowerCase(Locale.ROOT)).contains("max-age=0"));
    // The cookie is still in hand (a copy, a stolen one): it signs nobody in any more.
    assertThat(web.get("/web/api/session", "Cookie", cookie).status()).isEqualTo(401);
    assertThat(web.get("/web/api/chats", "Cookie", cookie).status()).isEqualTo(401);
    page.awaitClosed(Duration.ofSeconds(10)); // the page that was open is closed, and told why
    assertThat(page.closeStatus()).isEqualTo(4401);
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }
}
