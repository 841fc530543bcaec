-- The tables of the PostgreSQL store. Identifiers compare byte-wise (COLLATE "C"), as in SQLite and Java, so the
-- chat order's tie-break on message_id is the same whatever the database's locale.

-- The head of each card's log: its highest stored version and when that event happened. Every node moves it in the
-- transaction that inserts the events, and only upwards past the batch's lowest version, so each version is stored
-- once however many nodes write the card.
CREATE TABLE cards (
  card_id TEXT COLLATE "C" PRIMARY KEY,
  version BIGINT NOT NULL,
  last_at BIGINT NOT NULL
);
-- compaction looks for idle cards
CREATE INDEX cards_by_last_at ON cards (last_at);

CREATE TABLE card_events (
  card_id TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  type TEXT NOT NULL,
  at_millis BIGINT NOT NULL,
  app_id TEXT,
  sequence INTEGER NOT NULL,
  uuid TEXT,
  fingerprint TEXT,
  payload TEXT NOT NULL,
  PRIMARY KEY (card_id, version)
);

-- one row per card, the newest snapshot
CREATE TABLE card_snapshots (
  card_id TEXT COLLATE "C" PRIMARY KEY,
  version BIGINT NOT NULL,
  state TEXT NOT NULL
);

CREATE TABLE messages (
  message_id TEXT COLLATE "C" PRIMARY KEY,
  chat_id TEXT COLLATE "C" NOT NULL,
  sender_id TEXT COLLATE "C" NOT NULL,
  sender_type TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  content TEXT NOT NULL,
  card_id TEXT COLLATE "C",
  root_id TEXT COLLATE "C",
  parent_id TEXT COLLATE "C",
  uuid TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- message_id is the tie-break of the chat order, so the index serves ORDER BY without a sort
CREATE INDEX messages_by_chat ON messages (chat_id, created_at, message_id);
CREATE INDEX messages_by_uuid ON messages (sender_id, uuid);

CREATE TABLE meta (
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
