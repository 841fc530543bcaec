package io.opencardkit.server.testkit;

import com.lark.oapi.Client;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.store.sqlite.SqliteCardStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Several OpenCardKit nodes in this JVM, sharing one store (an SQLite file: the nodes' writers take
 * turns, which is enough to exercise every cross-node rule) and a {@link LoopbackBus}, each on its
 * own port.
 */
public final class TestCluster implements AutoCloseable {
  public final TestSeed seed = new TestSeed();
  public final LoopbackBus bus = new LoopbackBus();
  private final List<TestServer> nodes = new ArrayList<>();

  private TestCluster() {}

  /** {@code count} nodes; the first stores the seed, the others start from the stored directory. */
  public static TestCluster start(int count, Clock clock, Duration streamingTimeout) {
    // Nodes of a cluster refuse development sign-in unless told otherwise; the tests' viewers use
    // ?user=.
    return start(count, clock, streamingTimeout, ServerConfig::withInsecureDevLogin);
  }

  /**
   * {@code count} nodes whose configuration {@code customize} adjusts last (for example the web
   * sign-in).
   */
  public static TestCluster start(
      int count, Clock clock, Duration streamingTimeout, UnaryOperator<ServerConfig> customize) {
    TestCluster cluster = new TestCluster();
    try {
      Path db = Files.createTempDirectory("okc-cluster").resolve("shared.db");
      for (int i = 0; i < count; i++) {
        boolean first =
            i == 0; // the first node stores the seed; the others start from the stored directory
        UnaryOperator<ServerConfig> node =
            config -> customize.apply(first ? config : config.withSeed(null));
        CardStore store = SqliteCardStore.open(db);
        ClusterBus bus = cluster.bus.join("node" + i);
        cluster.nodes.add(
            TestServer.start(cluster.seed, clock, streamingTimeout, node, store, bus, true));
      }
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public static TestCluster start(int count) {
    return start(count, Clock.systemUTC(), Duration.ofMinutes(10));
  }

  /** Node {@code i} as the kit's server (node 0 stored the seed). */
  public TestServer server(int i) {
    return nodes.get(i);
  }

  /** How many nodes the cluster started with. */
  public int size() {
    return nodes.size();
  }

  public OpenCardKitServer node(int i) {
    return nodes.get(i).server();
  }

  public String baseUrl(int i) {
    return nodes.get(i).baseUrl();
  }

  /** The official Java SDK as the seeded bot, talking to node {@code i}. */
  public Client client(int i) {
    return nodes.get(i).client();
  }

  /** Stops node {@code i} (its store and bus endpoint close with it). */
  public void stop(int i) {
    nodes.get(i).close();
  }

  @Override
  public void close() {
    for (TestServer node : nodes) {
      try {
        node.close();
      } catch (RuntimeException ignored) {
        // already stopped by the test
      }
    }
  }
}
