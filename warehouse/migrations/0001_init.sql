-- The warehouse's first schema: what was imported, what was refused, and the
-- guests, stays and feedback that survived validation.
--
-- Keys are kept by the loader, not by PRIMARY KEY constraints: DuckDB checks
-- those row by row on insert, and the loader replaces whole key sets inside
-- one transaction (delete, then insert), which unique indexes make fragile.

-- One row per file that was tried. A file is loaded at most once: the loader
-- refuses bytes (sha256) that already have a 'loaded' row.
CREATE TABLE imports (
    import_id    BIGINT PRIMARY KEY,
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    size_bytes   BIGINT NOT NULL,
    kind         VARCHAR,
    format       VARCHAR,
    encoding     VARCHAR,
    status       VARCHAR NOT NULL,      -- loaded | failed
    rows_read    BIGINT NOT NULL,
    rows_loaded  BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    warnings     BIGINT NOT NULL,
    message      VARCHAR NOT NULL,
    extra_columns VARCHAR[],
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    read_ms      BIGINT NOT NULL,
    load_ms      BIGINT NOT NULL
);

-- Every rejected row and every dropped value, with its reason. The offending
-- value is stored masked: no full mobile, ID number or free text here.
CREATE TABLE rejects (
    import_id    BIGINT NOT NULL,
    line         INTEGER NOT NULL,
    column_name  VARCHAR,
    reason       VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,      -- reject | warning
    message      VARCHAR NOT NULL,
    value_masked VARCHAR
);

-- The butler roster; the latest roster export wins per staff id.
CREATE TABLE butlers (
    staff_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    team       VARCHAR NOT NULL,
    lead_id    VARCHAR,
    role       VARCHAR,
    phone      VARCHAR,
    import_id  BIGINT NOT NULL,
    line       INTEGER NOT NULL
);

-- Guest profiles exactly as they came, one row per source row: nothing here
-- is ever overwritten. ID numbers only as a keyed hash and the last four.
CREATE TABLE profiles (
    import_id        BIGINT NOT NULL,
    line             INTEGER NOT NULL,
    profile_id       VARCHAR NOT NULL,
    name             VARCHAR,
    title            VARCHAR,
    mobile           VARCHAR,
    mobile_is_mobile BOOLEAN,
    id_hash          VARCHAR,
    id_last4         VARCHAR,
    member_no        VARCHAR,
    vip_level        VARCHAR,
    wechat           VARCHAR,
    email            VARCHAR,
    gender           VARCHAR,
    birthday         DATE,
    preferences      VARCHAR,
    marketing_consent BOOLEAN,
    do_not_call      BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ,
    dedicated_butler VARCHAR
);

-- Resolved people. guest_id is the PMS id of the guest's primary profile (the
-- earliest created, then the smallest id), so it is stable whatever the order
-- files arrived in.
CREATE TABLE guests (
    guest_id          VARCHAR NOT NULL,
    profile_count     INTEGER NOT NULL,
    first_created_at  TIMESTAMPTZ
);

-- Which profile belongs to which guest.
CREATE TABLE guest_profiles (
    profile_id VARCHAR NOT NULL,
    guest_id   VARCHAR NOT NULL
);

-- Why two profiles are one guest: each link names the evidence that joined
-- them (a shared mobile, ID-number hash or member number).
CREATE TABLE identity_links (
    profile_id  VARCHAR NOT NULL,
    linked_to   VARCHAR NOT NULL,
    evidence    VARCHAR NOT NULL        -- mobile | id_number | member_no
);

-- Stays and outlet visits; the latest export of a stay wins.
CREATE TABLE stays (
    property    VARCHAR NOT NULL,
    stay_id     VARCHAR NOT NULL,
    profile_id  VARCHAR NOT NULL,
    matched_by  VARCHAR NOT NULL,       -- guest_id | mobile | member_no
    outlet      VARCHAR,
    outlet_kind VARCHAR NOT NULL,
    arrival     TIMESTAMPTZ NOT NULL,
    departure   TIMESTAMPTZ NOT NULL,
    spend_cents BIGINT,                 -- yuan × 100, exact
    room        VARCHAR,
    party_size  INTEGER,
    butler_id   VARCHAR,                -- a roster staff id; as written when no roster is loaded
    channel     VARCHAR,
    import_id   BIGINT NOT NULL,
    line        INTEGER NOT NULL
);

-- Feedback forms; the latest export of a form wins. guest_ref, mobile, room
-- and visit_date are how the form named its guest; profile_id is who that is.
CREATE TABLE feedback (
    form_id        VARCHAR NOT NULL,
    stay_id        VARCHAR,
    property       VARCHAR,
    guest_ref      VARCHAR,
    mobile         VARCHAR,
    room           VARCHAR,
    visit_date     DATE,
    profile_id     VARCHAR,             -- never NULL once the load commits
    matched_by     VARCHAR,             -- stay_id | guest_id | mobile | member_no | room_date
    submitted_at   TIMESTAMPTZ,
    overall        TINYINT NOT NULL,
    score_room     TINYINT,
    score_food     TINYINT,
    score_service  TINYINT,
    score_cleanliness TINYINT,
    score_value    TINYINT,
    nps            TINYINT,
    comment        VARCHAR,
    complaint      BOOLEAN NOT NULL,
    complaint_text VARCHAR,
    import_id      BIGINT NOT NULL,
    line           INTEGER NOT NULL
);
