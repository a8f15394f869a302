package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// GuestMarks are the values a raw export file could name a guest by: what
// forget looks for in the files kept on disk (the inbox's processed/ and
// failed/ folders, the outbox), read before the guest's profiles go. They
// are the guest's personal data: never logged, never answered.
type GuestMarks struct {
	// IDs are written in exports as they are: the guest's id, every
	// profile, stay and form id, member numbers.
	IDs []string
	// Mobiles are E.164, as ingest.NormalizePhone gives them.
	Mobiles []string
	// IDHashes are the keyed digests of the ID numbers (the numbers are
	// never kept): a file's ID number is hashed with the same key to compare.
	IDHashes []string
	// Handles are e-mail addresses and WeChat ids, lowercased.
	Handles []string
}

// guestMarksQuery lists the marks of the guest $1 (a guest id or any of
// their profile ids), each as kind and value.
const guestMarksQuery = `
WITH g AS (SELECT guest_id FROM guest_profiles WHERE profile_id = $1),
p AS (SELECT p.* FROM profiles p JOIN guest_profiles gp USING (profile_id) WHERE gp.guest_id IN (SELECT guest_id FROM g))
SELECT 'id', guest_id FROM g
UNION SELECT 'id', profile_id FROM p
UNION SELECT 'id', member_no FROM p WHERE member_no IS NOT NULL AND member_no <> ''
UNION SELECT 'id', stay_id FROM stays WHERE profile_id IN (SELECT profile_id FROM p)
UNION SELECT 'id', form_id FROM feedback WHERE profile_id IN (SELECT profile_id FROM p)
UNION SELECT 'mobile', mobile FROM p WHERE mobile IS NOT NULL AND mobile <> ''
UNION SELECT 'mobile', mobile FROM feedback WHERE profile_id IN (SELECT profile_id FROM p) AND mobile IS NOT NULL AND mobile <> ''
UNION SELECT 'id_hash', id_hash FROM p WHERE id_hash IS NOT NULL AND id_hash <> ''
UNION SELECT 'handle', lower(email) FROM p WHERE email IS NOT NULL AND email <> ''
UNION SELECT 'handle', lower(wechat) FROM p WHERE wechat IS NOT NULL AND wechat <> ''
ORDER BY 1, 2`

// GuestMarksOf reads the marks of a guest (their id or any profile id).
// An unknown or already anonymised guest is ErrNotFound.
func (w *Warehouse) GuestMarksOf(ctx context.Context, guestID string) (GuestMarks, error) {
	var m GuestMarks
	if strings.HasPrefix(guestID, PseudonymPrefix) {
		return m, fmt.Errorf("warehouse: guest marks: %w", ErrNotFound)
	}
	rows, err := w.db.QueryContext(ctx, guestMarksQuery, guestID)
	if err != nil {
		return m, fmt.Errorf("warehouse: guest marks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, value string
		if err := rows.Scan(&kind, &value); err != nil {
			return m, fmt.Errorf("warehouse: guest marks: %w", err)
		}
		switch kind {
		case "id":
			m.IDs = append(m.IDs, value)
		case "mobile":
			m.Mobiles = append(m.Mobiles, value)
		case "id_hash":
			m.IDHashes = append(m.IDHashes, value)
		case "handle":
			m.Handles = append(m.Handles, value)
		}
	}
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("warehouse: guest marks: %w", err)
	}
	if len(m.IDs) == 0 {
		return m, fmt.Errorf("warehouse: guest marks: %w", ErrNotFound)
	}
	return m, nil
}
