package io.opencardkit.bench.cluster;

import io.opencardkit.bus.redis.testing.RedisServerProcess;

/**
 * The private redis-server's own counters ({@code INFO}): since only this run's nodes use it, they
 * count exactly the cluster bus's work, read from outside the nodes.
 *
 * @param publishes PUBLISH commands executed ({@code cmdstat_publish})
 * @param commands commands processed in all ({@code total_commands_processed}, PINGs and INFO
 *     included)
 * @param bytesIn bytes Redis read from its clients ({@code total_net_input_bytes})
 * @param bytesOut bytes Redis wrote to them ({@code total_net_output_bytes}: each message once per
 *     subscriber)
 */
record RedisCounters(long publishes, long commands, long bytesIn, long bytesOut) {
  static RedisCounters read(RedisServerProcess redis) {
    String stats = redis.command("INFO", "stats");
    String commandStats = redis.command("INFO", "commandstats");
    return new RedisCounters(
        subfield(commandStats, "cmdstat_publish:", "calls="),
        field(stats, "total_commands_processed:"),
        field(stats, "total_net_input_bytes:"),
        field(stats, "total_net_output_bytes:"));
  }

  RedisCounters minus(RedisCounters before) {
    return new RedisCounters(
        publishes - before.publishes,
        commands - before.commands,
        bytesIn - before.bytesIn,
        bytesOut - before.bytesOut);
  }

  /** The number after {@code key} on its line of an INFO answer; 0 when the line is missing. */
  private static long field(String info, String key) {
    return subfield(info, key, "");
  }

  /**
   * The number after {@code sub} on the line that starts with {@code key} ({@code
   * cmdstat_publish:calls=12,usec=…}).
   */
  private static long subfield(String info, String key, String sub) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(key)) {
        String rest = line.substring(key.length());
        int at = rest.indexOf(sub);
        if (at < 0) {
          return 0;
        }
        int from = at + sub.length();
        int to = from;
        while (to < rest.length() && Character.isDigit(rest.charAt(to))) {
          to++;
        }
        return Long.parseLong(rest.substring(from, to));
      }
    }
    return 0; // Redis lists a command only once it ran
  }
}
