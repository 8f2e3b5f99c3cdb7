-- Messages from one agent (run) to another session's run. Written in the sender's step transaction; the receiving
-- run consumes one in the transaction that commits its wait step, so a message is delivered exactly once even when
-- either side crashes. RabbitMQ only tells the receiving worker to look now.
CREATE TABLE run_signals (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      TEXT        NOT NULL,
    target_session_id UUID        NOT NULL,
    channel           TEXT        NOT NULL,
    payload           JSONB       NOT NULL,
    from_run_id       UUID        NOT NULL,
    from_executor     TEXT        NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    consumed_by_run   UUID,
    consumed_at       TIMESTAMPTZ
);
CREATE INDEX idx_run_signals_waiting ON run_signals (target_session_id, channel, id) WHERE consumed_at IS NULL;
