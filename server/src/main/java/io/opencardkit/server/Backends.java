package io.opencardkit.server;

import io.opencardkit.bus.redis.RedisBusConfig;
import io.opencardkit.bus.redis.RedisClusterBus;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import io.opencardkit.store.sqlite.SqliteCardStore;
import io.vertx.core.Vertx;

/**
 * Opens the store and the bus a configuration names: the embedded SQLite file and the in-process
 * bus for one node, PostgreSQL and Redis for a cluster.
 */
final class Backends {
  private Backends() {}

  /** Whether the URL names a PostgreSQL database. */
  static boolean isPostgres(String url) {
    return url != null && (url.startsWith("postgresql://") || url.startsWith("postgres://"));
  }

  static CardStore openStore(ServerConfig config) {
    if (config.store() == null) {
      return SqliteCardStore.open(config.dataDir().resolve("opencardkit.db"));
    }
    if (isPostgres(config.store())) {
      return PostgresCardStore.open(PostgresConfig.parse(config.store()));
    }
    throw new IllegalArgumentException(
        "--store must be a postgresql:// URL (without it the embedded SQLite store is used)");
  }

  static ClusterBus openBus(ServerConfig config, Vertx vertx) {
    if (config.bus() == null) {
      return ClusterBus.local();
    }
    if (config.bus().startsWith("redis://") || config.bus().startsWith("rediss://")) {
      return RedisClusterBus.start(vertx, RedisBusConfig.parse(config.bus()));
    }
    throw new IllegalArgumentException(
        "--bus must be a redis:// URL (without it the node runs alone)");
  }

  /** The store URL as it may be printed: no password. */
  static String describeStore(ServerConfig config) {
    return config.store() == null
        ? "sqlite " + config.dataDir().resolve("opencardkit.db").toAbsolutePath().normalize()
        : PostgresConfig.parse(config.store()).redacted();
  }

  /** The bus URL as it may be printed: no password. */
  static String describeBus(ServerConfig config) {
    return config.bus() == null
        ? "in-process (one node)"
        : RedisBusConfig.parse(config.bus()).redacted();
  }
}
