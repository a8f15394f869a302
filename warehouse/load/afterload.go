package load

// dedupeInFile rejects the second and later rows with the same key in one
// file (the first wins) and removes them from table.
func dedupeInFile(table, key, column string) []string {
	dups := `SELECT line, first_line, ` + column + ` AS val FROM (
		SELECT line, ` + column + `, row_number() OVER w AS n, first_value(line) OVER w AS first_line
		FROM ` + table + ` WHERE import_id = $1
		WINDOW w AS (PARTITION BY ` + key + ` ORDER BY line)) WHERE n > 1`
	return []string{
		`INSERT INTO rejects SELECT $1, line, '` + column + `', 'DUPLICATE_IN_FILE', 'reject',
			'the same ` + column + ` is already on line ' || first_line || ' of this file; the first row wins', val
		FROM (` + dups + `)`,
		`DELETE FROM ` + table + ` WHERE import_id = $1 AND line IN (
			SELECT line FROM rejects WHERE import_id = $1 AND reason = 'DUPLICATE_IN_FILE')`,
	}
}

// rosterLeadsByName turns a lead written as a name into that butler's id.
const rosterLeadsByName = `UPDATE butlers b SET lead_id = l.staff_id
	FROM (SELECT name, min(staff_id) AS staff_id FROM butlers GROUP BY name) l
	WHERE b.import_id = $1 AND b.lead_id = l.name
	  AND NOT EXISTS (SELECT 1 FROM butlers x WHERE x.staff_id = b.lead_id)`

// feedbackByStay attaches forms that name a stay to that stay's guest; the
// stay is the most specific reference a form can make, so it wins.
const feedbackByStay = `UPDATE feedback f SET profile_id = s.profile_id, property = s.property, matched_by = 'stay_id'
	FROM (SELECT stay_id, min(property) AS property, min(profile_id) AS profile_id FROM stays
		WHERE stay_id IN (SELECT stay_id FROM feedback WHERE import_id = $1 AND stay_id IS NOT NULL)
		GROUP BY stay_id) s
	WHERE f.import_id = $1 AND f.stay_id = s.stay_id`

// feedbackByRoomDate attaches forms that name only a room and a date to the
// stay in that room on that hotel-local day (the latest arrival if several).
const feedbackByRoomDate = `UPDATE feedback f SET profile_id = m.profile_id, stay_id = m.stay_id,
		property = m.property, matched_by = 'room_date'
	FROM (
		SELECT f2.line, arg_max(s.profile_id, s.arrival) AS profile_id, arg_max(s.stay_id, s.arrival) AS stay_id,
			arg_max(s.property, s.arrival) AS property
		FROM feedback f2 JOIN stays s ON s.room = f2.room
		 AND coalesce(f2.visit_date, CAST(f2.submitted_at AS DATE)) BETWEEN CAST(s.arrival AS DATE) AND CAST(s.departure AS DATE)
		WHERE f2.import_id = $1 AND f2.profile_id IS NULL AND f2.stay_id IS NULL AND f2.room IS NOT NULL
		GROUP BY f2.line) m
	WHERE f.import_id = $1 AND f.line = m.line`

// feedbackUnresolved rejects forms that name nobody known.
var feedbackUnresolved = []string{
	`INSERT INTO rejects SELECT $1, line,
		CASE WHEN stay_id IS NOT NULL THEN 'stay_id' WHEN guest_ref IS NOT NULL THEN 'guest_id'
		     WHEN mobile IS NOT NULL THEN 'mobile' ELSE 'room' END,
		CASE WHEN stay_id IS NOT NULL THEN 'UNKNOWN_STAY' ELSE 'UNKNOWN_GUEST' END, 'reject',
		CASE WHEN stay_id IS NOT NULL THEN 'the form names a stay that is not loaded, and no known guest'
		     ELSE 'the form names no known guest: no such guest id, mobile, or stay in that room on that day' END,
		CASE WHEN stay_id IS NOT NULL THEN stay_id WHEN guest_ref IS NOT NULL THEN guest_ref
		     WHEN mobile IS NOT NULL THEN left(mobile, 6) || '****' || right(mobile, 4) ELSE room END
	FROM feedback WHERE import_id = $1 AND profile_id IS NULL`,
	`DELETE FROM feedback WHERE import_id = $1 AND profile_id IS NULL`,
}
