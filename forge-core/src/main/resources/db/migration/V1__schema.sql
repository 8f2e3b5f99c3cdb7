-- Forge schema: the one schema every service migrates to (Flyway, forge-core).

-- Flow blueprints by content hash, so a run executes the version it pinned even after the YAML on disk changed.
CREATE TABLE flow_versions (
    flow_name   TEXT        NOT NULL,
    version     TEXT        NOT NULL,
    source      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (flow_name, version)
);

CREATE TABLE assistants (
    id            UUID PRIMARY KEY,
    workspace_id  TEXT        NOT NULL DEFAULT 'default',
    name          TEXT        NOT NULL,
    description   TEXT,
    flow_name     TEXT        NOT NULL,
    flow_version  TEXT        NOT NULL,
    config        JSONB       NOT NULL DEFAULT '{}',
    metadata      JSONB       NOT NULL DEFAULT '{}',
    version       INTEGER     NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_assistants_workspace ON assistants (workspace_id, created_at DESC);

CREATE TABLE sessions (
    id            UUID PRIMARY KEY,
    workspace_id  TEXT        NOT NULL DEFAULT 'default',
    assistant_id  UUID        NOT NULL REFERENCES assistants(id),
    metadata      JSONB       NOT NULL DEFAULT '{}',
    status        TEXT        NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'busy', 'error')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_sessions_workspace ON sessions (workspace_id, created_at DESC);
CREATE INDEX idx_sessions_assistant ON sessions (assistant_id);

CREATE TABLE runs (
    id                UUID PRIMARY KEY,
    workspace_id      TEXT        NOT NULL DEFAULT 'default',
    session_id        UUID        NOT NULL REFERENCES sessions(id),
    assistant_id      UUID        NOT NULL REFERENCES assistants(id),
    assistant_version INTEGER     NOT NULL,
    flow_name         TEXT        NOT NULL,
    flow_version      TEXT        NOT NULL,
    status            TEXT        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    input             JSONB       NOT NULL DEFAULT '{}',
    overrides         JSONB       NOT NULL DEFAULT '{}',
    output            JSONB,
    error             JSONB,
    parent_run_id     UUID REFERENCES runs(id),
    forked_from_step  INTEGER,
    attempt           INTEGER     NOT NULL DEFAULT 0,
    step_index        INTEGER     NOT NULL DEFAULT 0,
    current_step      TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_runs_session ON runs (session_id, created_at DESC);
CREATE INDEX idx_runs_workspace_status ON runs (workspace_id, status, created_at DESC);

CREATE TABLE messages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       UUID        NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    session_id   UUID        NOT NULL,
    seq          INTEGER     NOT NULL,
    role         TEXT        NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    executor_id  TEXT,
    content      JSONB       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (run_id, seq)
);
CREATE INDEX idx_messages_session ON messages (session_id, id);

-- The queue: runnable and leased rows only; a finished job is deleted (the run keeps the history).
CREATE TABLE jobs (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            UUID        NOT NULL UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
    session_id        UUID,
    priority          SMALLINT    NOT NULL DEFAULT 0,
    run_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    attempt           INTEGER     NOT NULL DEFAULT 0,
    max_attempts      INTEGER     NOT NULL DEFAULT 3,
    locked_by         UUID,
    lease_epoch       BIGINT      NOT NULL DEFAULT 0,
    lease_expires_at  TIMESTAMPTZ,
    last_error        TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500,
        autovacuum_analyze_scale_factor = 0.02);
-- Claim scans only runnable rows.
CREATE INDEX idx_jobs_runnable ON jobs (priority DESC, run_at, id) WHERE locked_by IS NULL;
-- Head-of-session check and the reaper's scan of leases.
CREATE INDEX idx_jobs_session ON jobs (session_id, id);
CREATE INDEX idx_jobs_leased ON jobs (lease_expires_at) WHERE locked_by IS NOT NULL;

CREATE TABLE workers (
    id            UUID PRIMARY KEY,
    host          TEXT        NOT NULL,
    slots_total   INTEGER     NOT NULL,
    slots_used    INTEGER     NOT NULL DEFAULT 0,
    capabilities  JSONB       NOT NULL DEFAULT '{}',
    status        TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'draining', 'stopped', 'lost')),
    heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    started_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Exactly the seed's DDL and index.
CREATE TABLE workflow_checkpoints (
    id UUID PRIMARY KEY,
    run_id UUID NOT NULL REFERENCES runs(id),
    step_index INTEGER NOT NULL,
    state JSONB NOT NULL,
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_checkpoints_run_updated
    ON workflow_checkpoints (run_id, updated_at DESC);
-- Safety net on top of fencing: one checkpoint per step of a run.
CREATE UNIQUE INDEX uq_checkpoints_run_step ON workflow_checkpoints (run_id, step_index);

-- Who sent what to whom inside a run, in order (the communication graph).
CREATE TABLE run_edges (
    run_id         UUID        NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq            INTEGER     NOT NULL,
    step_index     INTEGER     NOT NULL,
    from_executor  TEXT        NOT NULL,
    to_executor    TEXT        NOT NULL,
    message        JSONB       NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  TEXT        NOT NULL DEFAULT 'default',
    run_id        UUID,
    session_id    UUID,
    type          TEXT        NOT NULL,
    severity      TEXT        NOT NULL DEFAULT 'info' CHECK (severity IN ('debug', 'info', 'warning', 'error')),
    source        TEXT        NOT NULL,
    payload       JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_events_run ON events (run_id, id);
CREATE INDEX idx_events_created ON events (created_at DESC);
