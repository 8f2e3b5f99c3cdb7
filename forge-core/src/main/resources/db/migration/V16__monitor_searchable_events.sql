-- infra-monitor embeds only what people search by meaning (issue 20): what went wrong — failed, cancelled and timed
-- out runs, any warning or error — and the monitor's own alerts. Steps, progress and successes (all 13 events of a
-- document-review run that succeeds) stay findable by every filter but are not embedded: the in-process model embeds
-- about 28 events a second per core, so at R1 rates (hundreds of runs a second) it could not even keep up with one
-- event a run, and it took the run path's CPU. The rule lives here once, for the bus consumer, the backfill and the
-- monitor's own events alike.
ALTER TABLE monitor_events ADD COLUMN searchable BOOLEAN GENERATED ALWAYS AS (
    severity IN ('warning', 'error') OR source = 'infra-monitor'
    OR type IN ('run.failed', 'run.cancelled', 'run.timed_out')
) STORED;
DROP INDEX idx_monitor_events_unembedded;
CREATE INDEX idx_monitor_events_to_embed ON monitor_events (id) WHERE embedding IS NULL AND searchable;
