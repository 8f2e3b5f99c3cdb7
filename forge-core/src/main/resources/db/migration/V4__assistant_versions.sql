-- Every version of an assistant, so a run's pinned assistant_version can always be looked up.
CREATE TABLE assistant_versions (
    assistant_id  UUID        NOT NULL REFERENCES assistants(id) ON DELETE CASCADE,
    version       INTEGER     NOT NULL,
    name          TEXT        NOT NULL,
    description   TEXT,
    flow_name     TEXT        NOT NULL,
    flow_version  TEXT        NOT NULL,
    config        JSONB       NOT NULL,
    metadata      JSONB       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (assistant_id, version)
);
INSERT INTO assistant_versions (assistant_id, version, name, description, flow_name, flow_version, config, metadata,
                                created_at)
SELECT id, version, name, description, flow_name, flow_version, config, metadata, updated_at FROM assistants;

CREATE INDEX idx_sessions_metadata ON sessions USING gin (metadata jsonb_path_ops);
CREATE INDEX idx_assistants_metadata ON assistants USING gin (metadata jsonb_path_ops);
CREATE INDEX idx_runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
