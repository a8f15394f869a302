-- The pages' sign-in sessions, apart from the API tokens: the browser's
-- cookie holds a random session id, of which only the SHA-256 is stored, so
-- a copy of the warehouse file signs no one in. A session signs in a
-- principal: an API token today (token_id), a staff account later
-- (staff_id); exactly one of them is set. Ending a session deletes its row.
CREATE TABLE ui_sessions (
    session_hash VARCHAR NOT NULL,        -- hex SHA-256 of the session id
    token_id     BIGINT,                  -- the token it signed in with
    staff_id     VARCHAR,                 -- reserved: a staff account's sign-in
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,    -- kept to the minute, for the idle expiry
    expires_at   TIMESTAMPTZ NOT NULL     -- the absolute expiry
);
