-- External MCP servers a workspace registers. The auth header's value is stored AES-GCM encrypted with the key from
-- FORGE_SECRET_KEY and is never returned by the API; status, tools and server_info are what the last check found.
CREATE TABLE mcp_servers (
    id               UUID        PRIMARY KEY,
    workspace_id     TEXT        NOT NULL,
    name             TEXT        NOT NULL,
    transport        TEXT        NOT NULL CHECK (transport IN ('stdio', 'streamable_http', 'sse')),
    url              TEXT,
    command          TEXT,
    args             JSONB       NOT NULL DEFAULT '[]',
    auth_header      TEXT,
    auth_secret      BYTEA,
    status           TEXT        NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'healthy', 'unhealthy')),
    last_checked_at  TIMESTAMPTZ,
    last_error       TEXT,
    latency_ms       INTEGER,
    server_info      JSONB,
    tools            JSONB       NOT NULL DEFAULT '[]',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (workspace_id, name),
    CHECK ((transport = 'stdio') = (command IS NOT NULL)),
    CHECK ((transport = 'stdio') = (url IS NULL))
);
