-- Flows made through the API: a workspace's own flows beside the system flows of config/flows/. Their sources live in
-- flow_versions by content hash, as the system flows' do, so any gateway or worker loads any version on demand.
CREATE TABLE workspace_flows (
    workspace_id    TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    current_version TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, name)
);

-- Every version a workspace saved of a flow, numbered in the order they were first saved.
CREATE TABLE workspace_flow_versions (
    workspace_id TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    version      TEXT        NOT NULL,
    number       INTEGER     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, name, version),
    UNIQUE (workspace_id, name, number),
    FOREIGN KEY (workspace_id, name) REFERENCES workspace_flows (workspace_id, name) ON DELETE CASCADE
);
