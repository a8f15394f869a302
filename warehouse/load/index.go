package load

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/revisit-hotel/revisit/ingest"
)

// guestIndex answers "which profile is this?" for rows that name a guest by
// PMS id, mobile or member number, and "which butler?" for a staff id or
// name. It is built once per import run and rebuilt after profiles or the
// roster change; it is read-only while a file loads.
type guestIndex struct {
	profiles map[string]struct{}
	byMobile map[string]string // mobile (E.164) → smallest profile id with it
	byMember map[string]string // member number → smallest profile id with it
	butlers  map[string]string // staff id or name → staff id
	// suppressed are the digests of forgotten guests' keys: rows naming
	// them are refused (privacy.go).
	suppressed suppressionSet
}

func loadGuestIndex(ctx context.Context, db *sql.DB, key ingest.IDHasher) (*guestIndex, error) {
	ix := &guestIndex{
		profiles: map[string]struct{}{},
		byMobile: map[string]string{},
		byMember: map[string]string{},
		butlers:  map[string]string{},
	}
	err := scanPairs(ctx, db, "SELECT DISTINCT profile_id, '' FROM profiles", func(id, _ string) {
		ix.profiles[id] = struct{}{}
	})
	if err == nil {
		err = scanPairs(ctx, db, `SELECT mobile, min(profile_id) FROM profiles
			WHERE mobile IS NOT NULL AND mobile_is_mobile GROUP BY mobile`, func(m, id string) {
			ix.byMobile[m] = id
		})
	}
	if err == nil {
		err = scanPairs(ctx, db, `SELECT member_no, min(profile_id) FROM profiles
			WHERE member_no IS NOT NULL GROUP BY member_no`, func(m, id string) {
			ix.byMember[m] = id
		})
	}
	if err == nil {
		// Names first, then staff ids, so an id always wins over a name.
		err = scanPairs(ctx, db, `SELECT name, min(staff_id) FROM butlers GROUP BY name
			UNION ALL SELECT staff_id, staff_id FROM butlers`, func(k, id string) {
			ix.butlers[k] = id
		})
	}
	if err == nil {
		ix.suppressed, err = loadSuppressions(ctx, db, key)
	}
	if err != nil {
		return nil, fmt.Errorf("load: guest index: %w", err)
	}
	return ix, nil
}

func scanPairs(ctx context.Context, db *sql.DB, query string, fn func(a, b string)) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}

// profile finds the profile a row names: the PMS id first, then the mobile,
// then the member number. ok is false when none is known.
func (ix *guestIndex) profile(guestID, mobile, memberNo string) (id, matchedBy string, ok bool) {
	if guestID != "" {
		if _, ok := ix.profiles[guestID]; ok {
			return guestID, "guest_id", true
		}
	}
	if mobile != "" {
		if id, ok := ix.byMobile[mobile]; ok {
			return id, "mobile", true
		}
	}
	if memberNo != "" {
		if id, ok := ix.byMember[memberNo]; ok {
			return id, "member_no", true
		}
	}
	return "", "", false
}

// butler maps a staff id or name as written to a roster staff id. With no
// roster loaded the value is kept as written, with nothing to check it by.
func (ix *guestIndex) butler(line int, written string, issues []ingest.Issue) (string, []ingest.Issue) {
	if written == "" || len(ix.butlers) == 0 {
		return written, issues
	}
	if id, ok := ix.butlers[written]; ok {
		return id, issues
	}
	return "", append(issues, ingest.Issue{
		Line: line, Column: ingest.FButler, Code: ingest.WUnknownButler, Severity: ingest.Warning,
		Msg: "butler is not on the roster; the stay loads without a butler", Value: ingest.MaskValue(ingest.FButler, written),
	})
}

// unknownGuest is the issue of a row that names nobody known.
func unknownGuest(line int, f ingest.Field, value string) ingest.Issue {
	return ingest.Issue{
		Line: line, Column: f, Code: ingest.RUnknownGuest, Severity: ingest.Reject,
		Msg:   "names no known guest: load the guest profiles first, or fix the guest id, mobile or member number",
		Value: ingest.MaskValue(f, value),
	}
}
