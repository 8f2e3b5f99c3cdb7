-- Schedules: runs on an assistant from a cron expression in a time zone, or every fixed interval. Every gateway polls
-- for due rows; a tick's run is created under an idempotency key naming the schedule and the tick, and next_fire_at
-- moves on only from the tick it was read at (a fenced update), so any number of gateways create exactly one run
-- per tick, and a gateway that dies between the two leaves a tick that the next poll finishes without a second run.
CREATE TABLE schedules (
    id                  UUID PRIMARY KEY,
    workspace_id        TEXT        NOT NULL,
    name                TEXT        NOT NULL,
    assistant_id        UUID        NOT NULL REFERENCES assistants(id) ON DELETE CASCADE,
    session_id          UUID        REFERENCES sessions(id) ON DELETE CASCADE,
    cron                TEXT,
    timezone            TEXT        NOT NULL DEFAULT 'UTC',
    interval_seconds    BIGINT,
    input               JSONB       NOT NULL DEFAULT '{}',
    overrides           JSONB       NOT NULL DEFAULT '{}',
    multitask_strategy  TEXT        NOT NULL DEFAULT 'enqueue'
                        CHECK (multitask_strategy IN ('enqueue', 'reject', 'interrupt')),
    misfire_policy      TEXT        NOT NULL DEFAULT 'run_once' CHECK (misfire_policy IN ('skip', 'run_once')),
    paused              BOOLEAN     NOT NULL DEFAULT false,
    next_fire_at        TIMESTAMPTZ,
    last_fired_at       TIMESTAMPTZ,
    last_run_id         UUID,
    last_error          TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK ((cron IS NULL) <> (interval_seconds IS NULL)),
    UNIQUE (workspace_id, name)
);
-- what the pollers read: the due ticks, soonest first
CREATE INDEX idx_schedules_due ON schedules (next_fire_at) WHERE NOT paused;

ALTER TABLE runs ADD COLUMN schedule_id UUID;
CREATE INDEX idx_runs_schedule ON runs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL;
