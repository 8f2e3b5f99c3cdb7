-- Webhooks. A subscription names a workspace's URL and the event types it wants; its signing secret is sealed at rest
-- (SecretCipher, bound to the subscription's id) because signing needs it back, unlike an API key.
CREATE TABLE webhooks (
    id            UUID PRIMARY KEY,
    workspace_id  TEXT        NOT NULL,
    url           TEXT        NOT NULL,
    event_types   TEXT        NOT NULL,  -- the event types sent, comma-separated (validated names)
    secret        BYTEA       NOT NULL,
    description   TEXT,
    enabled       BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_webhooks_workspace ON webhooks (workspace_id, created_at);

-- A run's own webhook ("webhook" on create). A table of its own, written only by the runs that ask for one, so the
-- group-committed insert of ordinary runs stays as it was.
CREATE TABLE run_webhooks (
    run_id  UUID PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    url     TEXT NOT NULL
);

-- One event to one target. Planned from committed events behind their own outbox cursor (a rolled-back change has
-- no event, so it is never sent); sent by whichever gateway leases it first, at least once, retried until give_up_at.
CREATE TABLE webhook_deliveries (
    id               UUID PRIMARY KEY,
    workspace_id     TEXT        NOT NULL,
    webhook_id       UUID REFERENCES webhooks(id) ON DELETE CASCADE,
    run_id           UUID,
    event_id         BIGINT      NOT NULL,
    event_type       TEXT        NOT NULL,
    url              TEXT        NOT NULL,
    body             JSONB       NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_until      TIMESTAMPTZ,
    give_up_at       TIMESTAMPTZ NOT NULL,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    -- one delivery per event and subscription (a run's own webhook has none): planning twice changes nothing
    UNIQUE NULLS NOT DISTINCT (event_id, webhook_id)
);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC);
CREATE INDEX idx_webhook_deliveries_run ON webhook_deliveries (run_id);
CREATE INDEX idx_webhook_deliveries_workspace ON webhook_deliveries (workspace_id, created_at DESC);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id   UUID        NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt       INTEGER     NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    duration_ms   INTEGER     NOT NULL,
    status_code   INTEGER,
    error         TEXT,
    response      TEXT
);
CREATE INDEX idx_webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- The planner's cursor: events from now on (earlier ones are not webhooks' business).
INSERT INTO outbox_cursor (name, tx, event_id) VALUES ('webhooks', pg_current_xact_id(), 0);
