-- The relay no longer marks each event published: that mark was a second write of every event row, never HOT (the
-- partial index's predicate changed), with new entries in all of the table's indexes, about a fifth of the rows a run
-- wrote. Instead each event carries the id of the transaction that wrote it, and the relay reads events in
-- (transaction, id) order behind a cursor, only from transactions older than every one still running: those are all
-- committed or gone, so nothing that commits later can appear behind the cursor.
ALTER TABLE events ADD COLUMN tx xid8;
ALTER TABLE events ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
-- events still unpublished now go out after this migration commits; published ones keep no transaction id
UPDATE events SET tx = pg_current_xact_id() WHERE published_at IS NULL;
CREATE INDEX idx_events_outbox ON events (tx, id);
DROP INDEX idx_events_unpublished;
ALTER TABLE events DROP COLUMN published_at;

-- One row: how far the relay has published. Relays in several processes take turns under its row lock.
CREATE TABLE outbox_cursor (
    name      TEXT PRIMARY KEY,
    tx        xid8   NOT NULL,
    event_id  BIGINT NOT NULL
);
INSERT INTO outbox_cursor (name, tx, event_id) VALUES ('events', '0', 0);
