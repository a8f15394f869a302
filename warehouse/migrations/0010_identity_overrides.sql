-- Identity resolution that keeps people apart (issue 14).
--
-- A value two profiles share is a conflict, not a link, when the profiles
-- cannot be one person: different valid ID numbers, different dates of
-- birth, or an admin who split them. Conflicts are recomputed with the
-- guests; overrides are the admin's word and are never recomputed.

-- Every refused link: the shared value's kind, the profile that would have
-- joined and the profile holding the value it conflicts with, and why.
CREATE TABLE identity_conflicts (
    profile_id  VARCHAR NOT NULL,
    conflicts_with VARCHAR NOT NULL,
    evidence    VARCHAR NOT NULL,       -- mobile | id_number | member_no | merge
    reason      VARCHAR NOT NULL        -- id_number | birthday | split
);

-- An admin's merge or split, one row per pair of profiles it concerns.
-- For each pair (profile_a < profile_b) the latest row is in force:
-- together joins them whatever the data says (but never across different
-- ID numbers), apart keeps them in different guests.
CREATE TABLE identity_overrides (
    override_id BIGINT NOT NULL,
    profile_a   VARCHAR NOT NULL,
    profile_b   VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL,       -- together | apart
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  VARCHAR NOT NULL
);

-- The admin's answers to the review list: an item confirmed (its merge or
-- split was made) or dismissed is not offered again.
CREATE TABLE identity_reviews (
    item_key    VARCHAR NOT NULL,       -- wrong:P:Q | missed:P:Q
    decision    VARCHAR NOT NULL,       -- confirm | dismiss
    decided_at  TIMESTAMPTZ NOT NULL,
    decided_by  VARCHAR NOT NULL
);
