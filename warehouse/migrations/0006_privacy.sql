-- Privacy (PIPL): the guests who asked to be forgotten, so that the next
-- export of the PMS does not bring them back.
--
-- Only keyed digests are kept, never the value itself: key_hash is the hex
-- SHA-256 of "kind:value", value being the normalised (E.164) mobile, the
-- ID-number hash already stored in profiles (itself an HMAC), the member
-- number, or a PMS profile, stay or form id. A loader that meets a row
-- naming any of them refuses it as SUPPRESSED. A mobile, ID hash or member
-- number that other guests share is not suppressed: it names them too.
-- pseudonym is the DEL-n id the guest's anonymised stays now carry, which
-- the audit entry of the deletion also names.
CREATE TABLE suppressions (
    kind       VARCHAR NOT NULL,        -- profile_id | mobile | id_number | member_no | stay_id | form_id
    key_hash   VARCHAR NOT NULL,        -- hex SHA-256 of kind || ':' || value
    pseudonym  VARCHAR NOT NULL,        -- DEL-n
    created_at TIMESTAMPTZ NOT NULL,
    created_by VARCHAR NOT NULL         -- the audit entry's actor
);
