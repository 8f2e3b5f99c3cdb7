-- The events table is the outbox: a relay claims unpublished rows, publishes them to RabbitMQ with publisher
-- confirms, then marks them. A claim that is not confirmed in time is taken over (at-least-once; consumers key on id).
ALTER TABLE events ADD COLUMN published_at TIMESTAMPTZ;
ALTER TABLE events ADD COLUMN relay_claimed_at TIMESTAMPTZ;
UPDATE events SET published_at = created_at;
CREATE INDEX idx_events_unpublished ON events (id) WHERE published_at IS NULL;
