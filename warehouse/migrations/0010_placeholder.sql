-- Placeholder: this number belongs to a migration of another branch. It keeps
-- the numbering contiguous until that branch is merged, then it is deleted.
SELECT 1;
