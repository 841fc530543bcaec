package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/** The tables of the SQLite store, and how its connections are opened. */
final class SqliteSchema {
  /**
   * Bumped with every incompatible change of the tables below; stored in the {@code meta} row
   * {@link #VERSION_KEY}. Opening a version 1 file migrates it; builds that read only version 1
   * refuse a version 2 file with a message naming both.
   */
  static final String VERSION = "2";

  static final String VERSION_KEY = "schema_version";

  static final int BUSY_TIMEOUT_MILLIS = 10_000;

  // A rowid table (schema 2): rows land in commit order, so the events of one group commit share
  // a few pages, and only the small (card_id, version) index is touched per card. Schema 1 kept the
  // rows themselves in (card_id, version) order, which dirtied about one 4 KiB page per event
  // because the cards streaming at once each own a page (docs/design-decisions.md, "Events in
  // commit order").
  private static final String CARD_EVENTS =
      "CREATE TABLE IF NOT EXISTS card_events ("
          + " card_id TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, at_millis INTEGER NOT NULL,"
          + " app_id TEXT, sequence INTEGER NOT NULL, uuid TEXT, fingerprint TEXT, payload TEXT NOT NULL,"
          + " PRIMARY KEY (card_id, version))";

  private static final String EVENT_COLUMNS =
      "card_id, version, type, at_millis, app_id, sequence, uuid, fingerprint, payload";

  private static final List<String> DDL =
      List.of(
          CARD_EVENTS,
          "CREATE TABLE IF NOT EXISTS card_snapshots ("
              + " card_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS messages ("
              + " message_id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, sender_id TEXT NOT NULL, sender_type TEXT NOT NULL,"
              + " msg_type TEXT NOT NULL, content TEXT NOT NULL, card_id TEXT, root_id TEXT, parent_id TEXT, uuid TEXT,"
              + " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
          // message_id is the tie-break of the chat order, so the index serves ORDER BY without a
          // sort
          "CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat_id, created_at, message_id)",
          "CREATE INDEX IF NOT EXISTS messages_by_uuid ON messages (sender_id, uuid)",
          "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          // Added after version 1 without changing it: created when missing, so older files gain
          // them on the next start,
          // and older builds do not read them. See UuidClaims and DeliveryRows (store-jdbc).
          "CREATE TABLE IF NOT EXISTS message_uuids ("
              + " sender_id TEXT NOT NULL, uuid TEXT NOT NULL, message_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
              + " PRIMARY KEY (sender_id, uuid)) WITHOUT ROWID",
          "CREATE TABLE IF NOT EXISTS bot_deliveries ("
              + " event_id TEXT PRIMARY KEY, app_id TEXT NOT NULL, payload TEXT NOT NULL, failed_attempts INTEGER NOT NULL,"
              + " due_at INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER NOT NULL, created_at INTEGER NOT NULL)",
          "CREATE INDEX IF NOT EXISTS bot_deliveries_by_due ON bot_deliveries (due_at)",
          // uploaded images (issue 11); added to version 1 files as they are opened: an additive
          // table needs no bump
          "CREATE TABLE IF NOT EXISTS images ("
              + " image_key TEXT PRIMARY KEY, app_id TEXT NOT NULL, mime_type TEXT NOT NULL, width INTEGER NOT NULL,"
              + " height INTEGER NOT NULL, bytes BLOB NOT NULL, created_at INTEGER NOT NULL)");

  private SqliteSchema() {}

  /**
   * The one connection that writes: WAL journal, and {@code synchronous=FULL} so that each COMMIT
   * is fsynced before it returns. Transactions are begun explicitly ({@code BEGIN IMMEDIATE}); the
   * JDBC auto-commit flag stays on.
   */
  static Connection openWriter(Path file, WalLimits limits) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    Connection c = config.createConnection(url(file));
    // The writer never checkpoints: SQLite would otherwise copy the WAL into the database file (and
    // fsync it) inside
    // whichever COMMIT crossed 1,000 pages, holding every update waiting behind it. WalCheckpointer
    // does it beside.
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=0");
      // when the WAL starts over, its file is cut back to this (SQLite otherwise keeps the largest
      // size it ever reached, a burst's)
      s.execute("PRAGMA journal_size_limit=" + limits.fileLimitBytes());
    }
    return c;
  }

  /**
   * The checkpointer's connection: it writes only the database file, from the WAL, fsynced as the
   * writer's.
   */
  static Connection openCheckpointer(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    Connection c = config.createConnection(url(file));
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=0");
    }
    return c;
  }

  /**
   * A read-only connection; in WAL mode it reads the last committed state while the writer writes.
   */
  static Connection openReader(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return config.createConnection(url(file));
  }

  /** The journal mode in effect, {@code wal} unless the file system refused it. */
  static String journalMode(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      return rs.next() ? rs.getString(1) : "";
    }
  }

  /**
   * Creates the missing tables and records the schema version in one transaction.
   *
   * @throws StorageException when the file holds another schema version
   */
  static void createOrVerify(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        for (String ddl : DDL) {
          s.execute(ddl);
        }
        String found = storedVersion(c);
        if (found == null) {
          try (PreparedStatement insert =
              c.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
            insert.setString(1, VERSION_KEY);
            insert.setString(2, VERSION);
            insert.executeUpdate();
          }
        } else if (found.equals("1")) {
          migrateFrom1(c);
        } else if (!found.equals(VERSION)) {
          throw new StorageException(
              StorageFailure.OTHER,
              "database schema version "
                  + found
                  + " is not supported; this build reads version "
                  + VERSION,
              null);
        }
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    }
  }

  /**
   * Schema 1 to 2: the same columns, the events moved into a rowid table. Runs inside the opening
   * transaction, so a file is either still version 1 or wholly version 2.
   */
  private static void migrateFrom1(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE card_events RENAME TO card_events_1");
      s.execute(CARD_EVENTS);
      s.execute(
          "INSERT INTO card_events ("
              + EVENT_COLUMNS
              + ") SELECT "
              + EVENT_COLUMNS
              + " FROM card_events_1 ORDER BY card_id, version");
      s.execute("DROP TABLE card_events_1");
    }
    try (PreparedStatement update = c.prepareStatement("UPDATE meta SET value = ? WHERE key = ?")) {
      update.setString(1, VERSION);
      update.setString(2, VERSION_KEY);
      update.executeUpdate();
    }
  }

  private static String storedVersion(Connection c) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      q.setString(1, VERSION_KEY);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }
}
