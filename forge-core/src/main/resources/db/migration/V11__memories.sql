-- Long-term memory: texts with their embeddings, scoped by workspace and optionally by assistant and session.
-- Every insert and every deletion takes a number from memory_changes, so a search-side cache can catch up with
-- "what changed after n" (rows by seq, deletions by tombstone) instead of reloading the workspace.
CREATE SEQUENCE memory_changes;

CREATE TABLE memories (
    id               UUID        PRIMARY KEY,
    workspace_id     TEXT        NOT NULL,
    assistant_id     TEXT,
    session_id       TEXT,
    content          TEXT        NOT NULL,
    metadata         JSONB       NOT NULL DEFAULT '{}',
    -- unit-length float32 vector, little-endian (compact to store and to load into a search cache)
    embedding        BYTEA       NOT NULL,
    embedding_model  TEXT        NOT NULL,
    seq              BIGINT      NOT NULL DEFAULT nextval('memory_changes'),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    expires_at       TIMESTAMPTZ
);
CREATE INDEX idx_memories_changes ON memories (workspace_id, seq);
CREATE INDEX idx_memories_namespace ON memories (workspace_id, assistant_id, session_id, created_at DESC);
CREATE INDEX idx_memories_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE memory_tombstones (
    seq           BIGINT      NOT NULL DEFAULT nextval('memory_changes'),
    workspace_id  TEXT        NOT NULL,
    memory_id     UUID        NOT NULL,
    deleted_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX idx_memory_tombstones_age ON memory_tombstones (deleted_at);
