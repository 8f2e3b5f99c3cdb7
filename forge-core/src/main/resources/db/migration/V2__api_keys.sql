-- API keys: only a SHA-256 hash of the secret is stored; the prefix identifies a key in lists and logs.
CREATE TABLE api_keys (
    id            UUID PRIMARY KEY,
    workspace_id  TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('admin', 'operator', 'developer', 'viewer')),
    key_prefix    TEXT        NOT NULL,
    key_hash      TEXT        NOT NULL UNIQUE,
    created_by    UUID,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX idx_api_keys_workspace ON api_keys (workspace_id, created_at DESC);
