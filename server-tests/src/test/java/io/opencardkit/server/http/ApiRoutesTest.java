package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Route templates for logs and metric labels: ids become their parameter's name, fixed names stay.
 */
final class ApiRoutesTest {
  @Test
  void idsAfterCollections_becomeParameterNames() {
    assertThat(ApiRoutes.template("/open-apis/cardkit/v1/cards/7335/elements/md/content"))
        .isEqualTo("/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content");
    assertThat(ApiRoutes.template("/open-apis/cardkit/v1/cards/7335/settings"))
        .isEqualTo("/open-apis/cardkit/v1/cards/:card_id/settings");
    assertThat(ApiRoutes.template("/open-apis/im/v1/messages/om_1/reactions/r_2"))
        .isEqualTo("/open-apis/im/v1/messages/:message_id/reactions/:reaction_id");
    assertThat(ApiRoutes.template("/open-apis/contact/v3/users/ou_1"))
        .isEqualTo("/open-apis/contact/v3/users/:user_id");
  }

  @Test
  void collectionsAndFixedNames_stayAsTheyAre() {
    assertThat(ApiRoutes.template("/open-apis/cardkit/v1/cards"))
        .isEqualTo("/open-apis/cardkit/v1/cards");
    assertThat(ApiRoutes.template("/open-apis/cardkit/v1/cards/id_convert"))
        .isEqualTo("/open-apis/cardkit/v1/cards/id_convert");
    assertThat(ApiRoutes.template("/open-apis/im/v1/messages"))
        .isEqualTo("/open-apis/im/v1/messages");
  }
}
