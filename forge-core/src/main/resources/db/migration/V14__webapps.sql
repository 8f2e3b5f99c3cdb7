-- Webapp runners and the apps they host (infra-monitor manages them, runners execute them).
CREATE TABLE runners (
    id             UUID PRIMARY KEY,
    host           TEXT        NOT NULL,
    -- where the monitor reaches its gRPC API (host:port)
    grpc_address   TEXT        NOT NULL,
    -- where its reverse proxy serves /apps/{slug}/
    http_url       TEXT        NOT NULL,
    capabilities   JSONB       NOT NULL DEFAULT '[]',
    active_webapps INTEGER     NOT NULL DEFAULT 0,
    version        TEXT,
    status         TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
    started_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE webapps (
    slug            TEXT PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name            TEXT        NOT NULL,
    type            TEXT        NOT NULL CHECK (type IN ('gradio', 'streamlit', 'fastapi', 'static', 'docker')),
    git_url         TEXT        NOT NULL,
    branch          TEXT        NOT NULL DEFAULT 'main',
    -- a directory inside the repository to serve or run from
    path            TEXT        NOT NULL DEFAULT '',
    command         TEXT,
    -- the port the app listens on; null: the runner allocates one
    port            INTEGER,
    env             JSONB       NOT NULL DEFAULT '{}',
    runner_id       UUID        NOT NULL REFERENCES runners(id),
    -- what the operator asked for; state is what the runner reports
    desired         TEXT        NOT NULL DEFAULT 'running' CHECK (desired IN ('running', 'stopped')),
    state           TEXT        NOT NULL DEFAULT 'deploying',
    deployed_commit TEXT,
    created_by      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE webapp_deployments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT        NOT NULL REFERENCES webapps(slug) ON DELETE CASCADE,
    runner_id   UUID        NOT NULL,
    -- create, start, redeploy, restart (after a crash)
    trigger     TEXT        NOT NULL,
    commit      TEXT,
    -- running, failed, crashed
    outcome     TEXT,
    message     TEXT,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    duration_ms BIGINT
);
CREATE INDEX idx_webapp_deployments_slug ON webapp_deployments (slug, id DESC);

CREATE TABLE webapp_logs (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug   TEXT        NOT NULL REFERENCES webapps(slug) ON DELETE CASCADE,
    at     TIMESTAMPTZ NOT NULL,
    stream TEXT        NOT NULL,
    line   TEXT        NOT NULL
);
CREATE INDEX idx_webapp_logs_slug ON webapp_logs (slug, id DESC);
