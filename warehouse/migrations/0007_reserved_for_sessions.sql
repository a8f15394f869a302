-- Placeholder for version 7, which the sessions change brings
-- (0007_sessions.sql): migrations are numbered without gaps. Delete this
-- file when that one is merged.
SELECT 1;
