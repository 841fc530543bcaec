package io.opencardkit.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.InMemoryCardStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

final class DirectoryBootstrapTest {
  @Test
  void establish_whenAnotherNodeStoresItsDemoDirectoryRightAfterThisOne_runsWithTheOneThatStays() {
    Directory theirs = DirectoryBootstrap.demo();
    String theirsJson = Json.write(Json.MAPPER.valueToTree(theirs.snapshot()));
    // A store where another node's write lands right after ours, as when two nodes start on an
    // empty database.
    CardStore store =
        new ForwardingCardStore(new InMemoryCardStore()) {
          @Override
          public CompletableFuture<Void> commit(WriteBatch batch) {
            return super.commit(batch)
                .thenCompose(
                    v ->
                        batch.meta().containsKey(DirectoryBootstrap.META_KEY)
                                && !batch.meta().containsValue(theirsJson)
                            ? super.commit(
                                new WriteBatch(
                                    List.of(),
                                    List.of(),
                                    List.of(),
                                    Map.of(DirectoryBootstrap.META_KEY, theirsJson)))
                            : CompletableFuture.completedFuture(null));
          }
        };
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    Directory directory =
        DirectoryBootstrap.establish(
            store, null, new PrintStream(console, true, StandardCharsets.UTF_8));

    String secret = theirs.app(DirectoryBootstrap.DEMO_APP_ID).orElseThrow().appSecret();
    assertThat(directory.app(DirectoryBootstrap.DEMO_APP_ID).orElseThrow().appSecret())
        .isEqualTo(secret);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains(secret); // the credentials printed are the ones that work
  }
}
