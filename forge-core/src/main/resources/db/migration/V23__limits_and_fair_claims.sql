-- Limits per workspace and per assistant, and claims shared fairly between workspaces.
-- A job carries its run's workspace and assistant (written at enqueue), so a claim can take turns between workspaces
-- and leave a job over its limit waiting without scanning runs.
ALTER TABLE jobs ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'default';
-- (the nil UUID for a job enqueued without one, e.g. by the queue benchmark: the claim's walk needs no NULLs)
ALTER TABLE jobs ADD COLUMN assistant_id UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
UPDATE jobs j SET workspace_id = r.workspace_id, assistant_id = r.assistant_id FROM runs r WHERE r.id = j.run_id;
-- the claim walks the runnable jobs one (workspace, assistant) at a time: the queue order within each
DROP INDEX idx_jobs_runnable;
CREATE INDEX idx_jobs_runnable ON jobs (workspace_id, assistant_id, priority DESC, run_at, id) WHERE locked_by IS NULL;
-- the leased jobs' counts per workspace and assistant (at most the slots of all workers)
DROP INDEX idx_jobs_leased;
CREATE INDEX idx_jobs_leased ON jobs (lease_expires_at) INCLUDE (workspace_id, assistant_id) WHERE locked_by IS NOT NULL;

-- Overrides of the configured defaults, set by a platform admin. NULL: the default applies; 0: no limit.
CREATE TABLE run_limits (
    scope            TEXT        NOT NULL CHECK (scope IN ('workspace', 'assistant')),
    subject          TEXT        NOT NULL,   -- the workspace id, or the assistant id
    workspace_id     TEXT        NOT NULL,
    max_concurrent   INTEGER     CHECK (max_concurrent >= 0),
    runs_per_minute  INTEGER     CHECK (runs_per_minute >= 0),
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- A platform admin acts on every workspace (keys, limits); an admin only on its own. The bootstrap key is one.
ALTER TABLE api_keys ADD COLUMN platform BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_platform_is_admin CHECK (NOT platform OR role = 'admin');
UPDATE api_keys SET platform = TRUE WHERE name = 'bootstrap admin' AND created_by IS NULL AND role = 'admin';
