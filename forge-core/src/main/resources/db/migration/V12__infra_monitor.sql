-- infra-monitor-service: what it watches and what it keeps.

-- Gateways added over its REST API (gateways from the environment and from gateways.json are not stored here).
CREATE TABLE monitor_gateways (
    id          TEXT PRIMARY KEY,
    name        TEXT        NOT NULL,
    url         TEXT        NOT NULL,
    datacenter  TEXT,
    -- the bearer token, sealed with FORGE_SECRET_KEY and bound to the id; never returned
    token       BYTEA,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Capacity every 30 s per gateway, for trends.
CREATE TABLE capacity_samples (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gateway_id          TEXT             NOT NULL,
    sampled_at          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    capacity            INTEGER          NOT NULL,
    used                INTEGER          NOT NULL,
    utilization_percent DOUBLE PRECISION NOT NULL,
    health              TEXT             NOT NULL
);
CREATE INDEX idx_capacity_samples ON capacity_samples (gateway_id, sampled_at DESC);

-- Events as the monitor received them: run events from RabbitMQ and the monitor's own (capacity alerts).
CREATE TABLE monitor_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gateway_id   TEXT        NOT NULL,
    -- the id in the gateway's events table; null for the monitor's own events
    event_id     BIGINT,
    workspace_id TEXT,
    run_id       UUID,
    session_id   UUID,
    workflow     TEXT,
    type         TEXT        NOT NULL,
    severity     TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    payload      JSONB       NOT NULL DEFAULT '{}',
    -- float32 little-endian vector of the event's text, filled in behind ingestion
    embedding    BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uq_monitor_events_source ON monitor_events (gateway_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX idx_monitor_events_created ON monitor_events (created_at DESC, id DESC);
CREATE INDEX idx_monitor_events_run ON monitor_events (run_id, id);
CREATE INDEX idx_monitor_events_unembedded ON monitor_events (id) WHERE embedding IS NULL;

-- Structured log records every service ships to RabbitMQ (forge.logs), kept for the retention period.
CREATE TABLE monitor_logs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at    TIMESTAMPTZ NOT NULL,
    service      TEXT        NOT NULL,
    host         TEXT,
    level        TEXT        NOT NULL,
    logger       TEXT,
    message      TEXT        NOT NULL,
    thread       TEXT,
    trace_id     TEXT,
    span_id      TEXT,
    run_id       UUID,
    workspace_id TEXT,
    mdc          JSONB,
    exception    JSONB
);
CREATE INDEX idx_monitor_logs_time ON monitor_logs (logged_at DESC, id DESC);
CREATE INDEX idx_monitor_logs_run ON monitor_logs (run_id, id) WHERE run_id IS NOT NULL;
CREATE INDEX idx_monitor_logs_trace ON monitor_logs (trace_id) WHERE trace_id IS NOT NULL;

-- Who changed or looked at what (gateway configuration, log access, capacity threshold violations).
CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- an API key's prefix, or 'system'
    actor        TEXT        NOT NULL,
    actor_role   TEXT,
    workspace_id TEXT,
    action       TEXT        NOT NULL,
    target       TEXT,
    details      JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX idx_audit_log_action ON audit_log (action, at DESC);
