-- Images bots upload (POST /open-apis/im/v1/images): stored with the cards and messages, so every node of a
-- cluster serves every image. At most 10 MB each (Feishu's limit, checked before they get here).
CREATE TABLE images (
  image_key TEXT COLLATE "C" PRIMARY KEY,
  app_id TEXT COLLATE "C" NOT NULL,
  mime_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
