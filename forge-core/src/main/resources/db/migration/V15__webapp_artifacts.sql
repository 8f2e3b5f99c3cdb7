-- A webapp's source may be an uploaded zip artifact instead of a git repository (exactly one of the two).
ALTER TABLE webapps ALTER COLUMN git_url DROP NOT NULL;
ALTER TABLE webapps ADD COLUMN artifact_id UUID;
ALTER TABLE webapps ADD CONSTRAINT webapps_one_source CHECK ((git_url IS NULL) <> (artifact_id IS NULL));
