-- Staff accounts: a person on the hotel's staff signs in with a staff id and
-- a password instead of pasting a token. Only an argon2id hash of the
-- password is kept (PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash), so a
-- copy of the warehouse gives no one a password. staff_id is kept unique by
-- the writer, as token ids are (see the note on keys in 0001_init.sql).
CREATE TABLE staff_accounts (
    staff_id            VARCHAR NOT NULL,   -- the roster's 员工号, e.g. B005
    role                VARCHAR NOT NULL,   -- admin | manager | marketing | lead | butler
    name                VARCHAR NOT NULL,   -- display name
    password_hash       VARCHAR NOT NULL,   -- argon2id, PHC string format
    must_change         BOOLEAN NOT NULL,   -- set by an admin's reset: the next sign-in must choose a new password
    failed_tries        INTEGER NOT NULL,   -- wrong passwords since the last good sign-in
    locked_until        TIMESTAMPTZ,        -- backoff: no sign-in before this
    disabled_at         TIMESTAMPTZ,        -- NULL: the account may sign in
    password_changed_at TIMESTAMPTZ NOT NULL,
    last_signin_at      TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    created_by          VARCHAR NOT NULL
);
