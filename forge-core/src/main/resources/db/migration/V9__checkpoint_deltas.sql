-- A checkpoint stores either the whole state (a keyframe) or what its step changed against the checkpoint before it,
-- so checkpoint size follows the step, not the length of the run. Existing checkpoints are whole states.
ALTER TABLE workflow_checkpoints ADD COLUMN is_delta BOOLEAN NOT NULL DEFAULT false;
