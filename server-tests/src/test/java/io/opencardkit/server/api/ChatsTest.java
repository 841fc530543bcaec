package io.opencardkit.server.api;

import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.service.im.v1.model.GetChatMembersReq;
import com.lark.oapi.service.im.v1.model.GetChatMembersResp;
import com.lark.oapi.service.im.v1.model.GetChatMembersRespBody;
import com.lark.oapi.service.im.v1.model.GetChatReq;
import com.lark.oapi.service.im.v1.model.GetChatResp;
import com.lark.oapi.service.im.v1.model.GetChatRespBody;
import com.lark.oapi.service.im.v1.model.ListChatReq;
import com.lark.oapi.service.im.v1.model.ListChatResp;
import com.lark.oapi.service.im.v1.model.ListChatRespBody;
import com.lark.oapi.service.im.v1.model.ListMember;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.Injected;
import io.opencardkit.server.testkit.OpenCardKitTest;
import io.opencardkit.server.testkit.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat look-ups of {@code im/v1/chats}, through the official SDK, answered from the directory.
 */
@OpenCardKitTest
final class ChatsTest {
  @Injected TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    bot = BotApi.of(server);
  }

  private ListChatResp list(BotApi caller, Integer pageSize, String pageToken) throws Exception {
    return caller
        .sdk()
        .im()
        .v1()
        .chat()
        .list(ListChatReq.newBuilder().pageSize(pageSize).pageToken(pageToken).build());
  }

  private GetChatResp get(BotApi caller, String chatId) throws Exception {
    return caller.sdk().im().v1().chat().get(GetChatReq.newBuilder().chatId(chatId).build());
  }

  private GetChatMembersResp members(
      BotApi caller, String chatId, String idType, Integer pageSize, String pageToken)
      throws Exception {
    return caller
        .sdk()
        .im()
        .v1()
        .chatMembers()
        .get(
            GetChatMembersReq.newBuilder()
                .chatId(chatId)
                .memberIdType(idType)
                .pageSize(pageSize)
                .pageToken(pageToken)
                .build());
  }

  @Test
  void list_givesTheGroupsTheBotIsIn_withoutP2pChats() throws Exception {
    ListChatRespBody chats = assertOk(list(bot, null, null));

    assertThat(chats.getItems()).extracting(c -> c.getChatId()).containsExactly(server.seed.chatId);
    assertThat(chats.getItems()[0].getName()).isEqualTo("General");
    assertThat(chats.getItems()[0].getChatStatus()).isEqualTo("normal");
    assertThat(chats.getItems()[0].getExternal()).isFalse();
    assertThat(chats.getHasMore()).isFalse();
    assertThat(chats.getPageToken()).isEmpty();
    // The other bot is in no group (only in p2p chats with each user): an empty list.
    assertThat(assertOk(list(BotApi.other(server), null, null)).getItems()).isEmpty();
  }

  @Test
  void get_aChatTheBotIsIn_namesItAndCountsItsMembers() throws Exception {
    GetChatRespBody chat = assertOk(get(bot, server.seed.chatId));

    assertThat(chat.getName()).isEqualTo("General");
    assertThat(chat.getChatMode()).isEqualTo("group");
    assertThat(chat.getUserCount()).isEqualTo("2");
    assertThat(chat.getBotCount()).isEqualTo("1");
    assertThat(chat.getChatStatus()).isEqualTo("normal");
  }

  @Test
  void get_theP2pChatWithAUser_isAP2pChat() throws Exception {
    GetChatRespBody chat =
        assertOk(get(bot, Directory.p2pChatId(server.seed.appId, server.seed.alice)));

    assertThat(chat.getChatMode()).isEqualTo("p2p");
    assertThat(chat.getUserCount()).isEqualTo("1");
  }

  @Test
  void get_unknownChat_is232006_andAChatTheBotIsNotIn_is232011() throws Exception {
    assertRefused(get(bot, "oc_00000000000000000000000000000000"), 232006);
    assertRefused(get(BotApi.other(server), server.seed.chatId), 232011);
    assertRefused(members(BotApi.other(server), server.seed.chatId, null, null, null), 232011);
  }

  @Test
  void members_arePagedAsFeishuPagesThem_andLeaveOutBots() throws Exception {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    GetChatMembersRespBody page;
    do {
      page = assertOk(members(bot, server.seed.chatId, null, 1, token));
      assertThat(page.getItems()).hasSize(1);
      assertThat(page.getMemberTotal()).isEqualTo(2);
      for (ListMember m : page.getItems()) {
        assertThat(m.getMemberIdType()).isEqualTo("open_id");
        seen.add(m.getMemberId() + "=" + m.getName());
      }
      token = page.getPageToken();
      pages++;
    } while (page.getHasMore());

    assertThat(pages).isEqualTo(2);
    assertThat(token).isEmpty();
    assertThat(seen).containsExactly(server.seed.alice + "=Alice", server.seed.bob + "=Bob");
  }

  @Test
  void members_asUnionIds_carryTheUnionIdsEventsCarry() throws Exception {
    GetChatMembersRespBody page =
        assertOk(members(bot, server.seed.chatId, "union_id", null, null));

    assertThat(page.getItems())
        .extracting(ListMember::getMemberId)
        .containsExactly(
            Directory.unionIdOf(server.seed.alice), Directory.unionIdOf(server.seed.bob));
    assertThat(page.getItems()[0].getMemberIdType()).isEqualTo("union_id");
    assertThat(page.getHasMore()).isFalse();
  }

  @Test
  void badPageSizeOrToken_orIdType_areRefusedWith99992402() throws Exception {
    assertRefused(list(bot, 0, null), 99992402);
    assertRefused(list(bot, 101, null), 99992402);
    assertRefused(list(bot, null, "not-a-token"), 99992402);
    assertRefused(members(bot, server.seed.chatId, "user_id", null, null), 99992402);
    assertRefused(members(bot, server.seed.chatId, null, 0, null), 99992402);
  }
}
