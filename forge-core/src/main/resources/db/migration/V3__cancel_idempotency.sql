-- Cancellation of a running run is a request the worker acts on at once (NOTIFY) or at its next heartbeat.
ALTER TABLE runs ADD COLUMN cancel_requested_at TIMESTAMPTZ;
ALTER TABLE runs ADD COLUMN multitask_strategy TEXT NOT NULL DEFAULT 'enqueue'
    CHECK (multitask_strategy IN ('enqueue', 'reject', 'interrupt'));

-- Idempotent run creation: a key maps to the run it created and a hash of the request that created it.
CREATE TABLE idempotency_keys (
    workspace_id  TEXT        NOT NULL,
    key           TEXT        NOT NULL,
    request_hash  TEXT        NOT NULL,
    run_id        UUID        NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (workspace_id, key)
);
