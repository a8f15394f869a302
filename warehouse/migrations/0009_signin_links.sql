-- One-time sign-in links: an admin or a butler's lead shows one as a QR
-- code, and the butler's phone that scans it is signed in as that staff
-- account without typing anything. Only the SHA-256 of the link's secret
-- is kept; a link signs in once (used_at), and not after expires_at.
CREATE TABLE signin_links (
    link_hash  VARCHAR NOT NULL,        -- hex SHA-256 of the link's secret
    staff_id   VARCHAR NOT NULL,        -- the account it signs in
    created_at TIMESTAMPTZ NOT NULL,
    created_by VARCHAR NOT NULL,        -- the admin's or lead's actor name
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ              -- NULL until it signed someone in
);
