-- Uploaded files. The bytes are in S3 under storage_key; PostgreSQL keeps what a client may trust about them (size,
-- SHA-256, content type) and the workspace that owns them.
CREATE TABLE artifacts (
    id            UUID PRIMARY KEY,
    workspace_id  TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    content_type  TEXT        NOT NULL,
    size_bytes    BIGINT      NOT NULL,
    sha256        TEXT        NOT NULL,
    storage_key   TEXT        NOT NULL,
    created_by    UUID,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_artifacts_workspace ON artifacts (workspace_id, created_at DESC, id DESC);

-- The artifacts a run's input references (in order); an artifact in use by an unfinished run cannot be deleted.
CREATE TABLE run_artifacts (
    run_id       UUID    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    artifact_id  UUID    NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX idx_run_artifacts_artifact ON run_artifacts (artifact_id);
