-- An assistant either pins one version of its flow or follows the flow's latest version: each run then pins the
-- version that is current when it is created.
ALTER TABLE assistants ADD COLUMN flow_follows_latest BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE assistant_versions ADD COLUMN flow_follows_latest BOOLEAN NOT NULL DEFAULT false;
