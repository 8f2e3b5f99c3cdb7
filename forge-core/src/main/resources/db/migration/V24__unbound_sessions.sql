-- LangGraph clients create a thread before naming any assistant: a session may start unbound and is bound to the
-- assistant of its first run (in that run's creating transaction). Every run still names its assistant.
ALTER TABLE sessions ALTER COLUMN assistant_id DROP NOT NULL;
-- A state edit made to a waiting run (LangGraph's update_state) before it is resumed: applied with the resume that
-- continues it, as a Forge resume's "state" would be. Null unless a LangGraph client edited a waiting run.
ALTER TABLE runs ADD COLUMN pending_state JSONB;
