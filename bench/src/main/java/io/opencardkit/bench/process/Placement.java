package io.opencardkit.bench.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where the server and the load generator run (a picocli mixin): {@code --server-cpus} pins the
 * server and the references (each run on its own fresh server), {@code --client-cpus} the
 * benchmark's own JVM. Both may be repeated to measure several placements in one run, e.g. the
 * server on 1 core and then on 2 for the core-scaling goal.
 */
public final class Placement {
  @Option(
      names = "--server-cpus",
      description =
          "Pin the server (and the bare reference) to these CPUs with taskset -c, e.g. 0 or 0,1; repeat the option to run the"
              + " whole measurement once per placement, each on a fresh server (default: not pinned).")
  List<String> serverCpus = new ArrayList<>();

  @Option(
      names = "--client-cpus",
      description =
          "Pin this JVM (the load generator) to these CPUs with taskset -a -p, once or once per --server-cpus; \"all\" for not pinned"
              + " (default: not pinned).")
  List<String> clientCpus = new ArrayList<>();

  /** One placement: the server's CPUs and the load generator's, each null when not pinned. */
  public record Where(String serverCpus, String clientCpus) {
    /**
     * The CPUs to start a child process on: its own, or all of them when only this JVM is pinned
     * (children inherit its CPUs).
     */
    public String childCpus() {
      return serverCpus != null ? serverCpus : clientCpus != null ? Affinity.online() : null;
    }

    /** How many CPUs the server may use. */
    public int serverCpuCount() {
      return Affinity.count(serverCpus != null ? serverCpus : Affinity.online());
    }

    public String describe() {
      return String.format(
          Locale.ROOT,
          "server %s, load generator %s",
          serverCpus == null ? "not pinned" : "on CPU " + serverCpus,
          clientCpus == null ? "not pinned" : "on CPU " + clientCpus);
    }

    /** A short column heading, e.g. "server 0 / client 1". */
    public String label() {
      return "server "
          + (serverCpus == null ? "any" : serverCpus)
          + " / client "
          + (clientCpus == null ? "any" : clientCpus);
    }

    /** Pins this JVM as the placement says (or unpins it). */
    public void pinSelf(boolean anyPinned) {
      if (clientCpus != null || anyPinned) {
        Affinity.pinSelf(clientCpus);
      }
    }
  }

  public Placement() {}

  /** The placements to measure, in order. */
  public List<Where> placements() {
    return placements(serverCpus, clientCpus);
  }

  static List<Where> placements(List<String> server, List<String> client) {
    if (client.size() > 1 && client.size() != server.size()) {
      throw new IllegalArgumentException(
          "give --client-cpus once, or once per --server-cpus (" + server.size() + " times)");
    }
    List<Where> all = new ArrayList<>();
    int n = Math.max(1, server.size());
    for (int i = 0; i < n; i++) {
      String s = server.isEmpty() ? null : cpus(server.get(i));
      String c = client.isEmpty() ? null : cpus(client.get(client.size() == 1 ? 0 : i));
      all.add(new Where(s, c));
    }
    return all;
  }

  private static String cpus(String list) {
    String l = list.trim();
    if (l.equals("all") || l.isEmpty()) {
      return null;
    }
    Affinity.count(l); // refuse a bad list now rather than at taskset
    return l;
  }

  /**
   * Whether any placement pins this JVM (then every placement pins it, "all" included, so a
   * previous pin never lingers).
   */
  public boolean pinsClient() {
    return placements().stream().anyMatch(w -> w.clientCpus() != null);
  }
}
