-- W3C trace context: the traceparent of the request that created a run, carried to its log lines and events.
ALTER TABLE runs ADD COLUMN trace_parent TEXT;
-- the trace id of a received event (from its run's traceparent)
ALTER TABLE monitor_events ADD COLUMN trace_id TEXT;
CREATE INDEX idx_monitor_events_trace ON monitor_events (trace_id) WHERE trace_id IS NOT NULL;
