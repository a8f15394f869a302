-- Campaigns with a random holdout (issue 16).
--
-- A campaign is made from one analysed day's targets of one kind: each
-- consented target is drawn at random into the contact group (marketing
-- invites them; a planned marketing_contacts row is written for each) or
-- the holdout group (deliberately not contacted, and kept off every list
-- for the measurement window), so that returns can be compared.

CREATE TABLE campaigns (
    campaign_id   BIGINT NOT NULL,        -- 1, 2, …, in the order created
    name          VARCHAR NOT NULL,
    as_of         DATE NOT NULL,          -- the analysed day whose targets it took
    kind          VARCHAR NOT NULL,       -- due | winback
    segment       VARCHAR,                -- NULL: every segment
    holdout_share DOUBLE NOT NULL,        -- the fraction asked for
    seed          BIGINT NOT NULL,        -- the draw's seed: the same seed draws the same groups
    channel       VARCHAR,
    window_days   INTEGER NOT NULL,       -- holdout guests stay off lists this long after as_of
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    VARCHAR NOT NULL
);

-- Every guest of a campaign and the group the draw put them in.
CREATE TABLE campaign_members (
    campaign_id BIGINT NOT NULL,
    guest_id    VARCHAR NOT NULL,
    grp         VARCHAR NOT NULL          -- contact | holdout
);
