package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The strict percent-decoding that every request's path and query string must pass. */
final class RequestTargetTest {
  @Test
  void decode_validEscapesAndPlus_decodeAsUtf8() {
    assertThat(RequestTarget.decode("a%20b+c%E4%B8%AD", true)).isEqualTo("a b c中");
    assertThat(RequestTarget.decode("a+b", false)).as("+ is a plus in a path").isEqualTo("a+b");
    assertThat(RequestTarget.decode("%F0%9F%98%80", true)).isEqualTo("😀");
  }

  @Test
  void decode_badEscapesOrBytesThatAreNotUtf8_fail() {
    for (String bad :
        new String[] {
          "%ZZ",
          "%",
          "abc%",
          "%4",
          "%4G",
          "%FF",
          "%C3",
          "%C3%28",
          "%ED%A0%80" /* an encoded surrogate */
        }) {
      assertThat(RequestTarget.decode(bad, true)).as(bad).isNull();
    }
  }

  @Test
  void problem_namesTheParameterOrThePath() {
    assertThat(RequestTarget.problem("/web/api/session", "user=%ZZ"))
        .contains("query parameter \"user\"");
    assertThat(RequestTarget.problem("/x", "a=1&b=%")).contains("\"b\"");
    assertThat(RequestTarget.problem("/x", "%ZZ=1")).contains("parameter name");
    assertThat(RequestTarget.problem("/cards/%ZZ", null)).contains("path");
    assertThat(RequestTarget.problem("/cards/%41", "a=%41&b&c=&d=x+y")).isNull();
  }
}
