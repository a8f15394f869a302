-- The HTTP API's bearer tokens and the audit log of what was done through it.

-- Opaque bearer tokens. Only the SHA-256 of a token is stored (hex): the
-- token itself is shown once, when it is created, and never again. token_id
-- is assigned by the warehouse (max + 1 under the writer), and the writer
-- also keeps token_hash unique — see the note on keys in 0001_init.sql.
CREATE TABLE api_tokens (
    token_id     BIGINT NOT NULL,
    token_hash   VARCHAR NOT NULL,        -- hex SHA-256 of the token
    name         VARCHAR NOT NULL,        -- who holds it; the audit log's actor
    role         VARCHAR NOT NULL,        -- admin | manager | marketing | butler | lead
    staff_id     VARCHAR,                 -- the roster staff id of a butler's or lead's token
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,             -- NULL: never expires
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,             -- kept to the minute, not per request
    created_by   VARCHAR NOT NULL
);

-- Every export, reveal, assignment, token change and import: who, as what
-- role, did what to what, with which filter, to how many rows, from where.
-- Append-only: nothing in Revisit updates or deletes a row of it.
CREATE TABLE audit_log (
    entry_id  BIGINT NOT NULL,
    event_at  TIMESTAMPTZ NOT NULL,      -- when it happened ("at" is reserved in DuckDB)
    actor     VARCHAR NOT NULL,           -- a token's name or a staff id
    role      VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,           -- export | reveal | assign | token_create | token_revoke | import | …
    target    VARCHAR NOT NULL,
    filter    VARCHAR NOT NULL,
    rows      BIGINT NOT NULL,
    client_ip VARCHAR NOT NULL
);
