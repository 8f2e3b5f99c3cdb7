-- The relay now marks events published inside the transaction that holds their row locks while the broker confirms,
-- so a separate claim column (a second write per event) is no longer needed.
ALTER TABLE events DROP COLUMN relay_claimed_at;
