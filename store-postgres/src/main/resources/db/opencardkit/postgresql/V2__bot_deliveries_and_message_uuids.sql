-- Which message a sender's IM uuid stands for: claimed by the transaction that inserts the message, so within the
-- hour one message per sender and uuid is stored whichever node sends it (see UuidClaims in store-jdbc).
CREATE TABLE message_uuids (
  sender_id TEXT COLLATE "C" NOT NULL,
  uuid TEXT COLLATE "C" NOT NULL,
  message_id TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (sender_id, uuid)
);

-- Events on their way to bots, until delivered or given up; one node at a time holds each (lease_owner) until
-- lease_until, after which any node may take it over (see DeliveryRows in store-jdbc).
CREATE TABLE bot_deliveries (
  event_id TEXT COLLATE "C" PRIMARY KEY,
  app_id TEXT COLLATE "C" NOT NULL,
  payload TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  lease_until BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
-- every node looks for due deliveries every half second
CREATE INDEX bot_deliveries_by_due ON bot_deliveries (due_at);
