package io.opencardkit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class PostgresConfigTest {

  @Test
  void parse_fullUrl_readsEveryPart() {
    PostgresConfig c =
        PostgresConfig.parse(
            "postgresql://okc:s3cret@db.example:6543/cards?schema=tenant_1&pool=3&connect_timeout=2");

    assertThat(c)
        .isEqualTo(
            new PostgresConfig(
                "db.example",
                6543,
                "cards",
                "okc",
                "s3cret",
                "tenant_1",
                3,
                Duration.ofSeconds(2)));
  }

  @Test
  void parse_minimalUrl_takesDefaults() {
    PostgresConfig c = PostgresConfig.parse("postgres://okc@localhost/cards");

    assertThat(c)
        .isEqualTo(
            new PostgresConfig(
                "localhost", 5432, "cards", "okc", null, "opencardkit", 8, Duration.ofSeconds(5)));
  }

  @Test
  void parse_percentEncodedCredentials_areDecoded() {
    // '@', ':' and '/' in a password must be escaped to be part of it; '+' stays a plus (URLs are
    // not forms)
    PostgresConfig c = PostgresConfig.parse("postgresql://o%40k:p%3Aa%2Fss+1@[::1]:5433/my%20db");

    assertThat(c.user()).isEqualTo("o@k");
    assertThat(c.password()).isEqualTo("p:a/ss+1");
    assertThat(c.host()).isEqualTo("::1");
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/my%20db");
    assertThat(c.database()).isEqualTo("my db");
  }

  @Test
  void toString_andRedacted_neverShowThePassword() {
    PostgresConfig c = PostgresConfig.parse("postgresql://okc:s3cret@db.example/cards");

    assertThat(c.toString()).doesNotContain("s3cret").contains("okc:***@db.example:5432/cards");
    assertThat(c.redacted()).doesNotContain("s3cret").startsWith("postgresql://okc:***@");
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/cards");
  }

  @Test
  void parse_badUrls_sayWhatIsWrongWithoutThePassword() {
    assertInvalid(
        "postgresql://okc:s3cret@db.example:notaport/cards",
        "no host, or a port that is not a number");
    assertInvalid("mysql://okc:s3cret@db.example/cards", "scheme");
    assertInvalid("postgresql://:s3cret@db.example/cards", "no user");
    assertInvalid("postgresql://okc:s3cret@db.example", "name the database");
    assertInvalid(
        "postgresql://okc:s3cret@db.example/cards?sslmode=require", "unknown parameter 'sslmode'");
    assertInvalid(
        "postgresql://okc:s3cret@db.example/cards?pool=many", "pool must be a whole number: many");
    assertInvalid(
        "postgresql://okc:s3cret@db.example/cards?pool=0", "pool must be within 1..1000: 0");
    assertInvalid(
        "postgresql://okc:s3cret@db.example/cards?schema=Bad-Name", "lower-case SQL identifier");
    assertInvalid("postgresql://okc:s3cret@db.example/cards?connect_timeout=0", "connect timeout");
    assertInvalid("postgresql://okc:s3%zzet@db.example/cards", "not a URL (Malformed escape pair");
    // an unescaped space is no URL at all; the parser's own message would quote the password
    assertInvalid("postgresql://okc:s3cret @db.example/cards", "not a URL");
  }

  @Test
  void redact_passwordWithUnescapedSeparators_isMaskedWhole() {
    // a careless URL: the password holds '/', '?' and '@' unescaped; the mask errs on the side of
    // hiding more
    assertThat(PostgresConfig.redact("postgresql://okc:pa/s?s@x@db.example/cards"))
        .isEqualTo("postgresql://okc:***@db.example/cards");
    assertThat(PostgresConfig.redact("postgresql://okc@db.example/cards"))
        .isEqualTo("postgresql://okc@db.example/cards");
    assertThat(PostgresConfig.redact("okc:s3cret@db.example")).isEqualTo("***");
  }

  private static void assertInvalid(String url, String problem) {
    assertThatThrownBy(() -> PostgresConfig.parse(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem)
        .hasMessageStartingWith("invalid PostgreSQL URL ")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("s3%zzet"));
  }
}
