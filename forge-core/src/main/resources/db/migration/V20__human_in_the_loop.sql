-- Human in the loop: a run can stop and wait for a person. While it waits its status is 'interrupted', `interrupt`
-- holds the pending question (executor, kind, question, answer schema, deadline) and its job is parked: unleased, with
-- run_at at the question's deadline (or 'infinity'), so no worker slot is held and the session's later runs queue
-- behind it. A resume writes `resume` (the person's answer, state edit, goto) and makes the job runnable; the worker
-- that continues the run clears both in the transaction of its first checkpoint after the wait.
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check
    CHECK (status IN ('pending', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled', 'timed_out'));
ALTER TABLE runs ADD COLUMN interrupt JSONB;
ALTER TABLE runs ADD COLUMN resume JSONB;
