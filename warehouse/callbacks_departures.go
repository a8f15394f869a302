package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// DepartureToCall is one guest's departure day in a run's window, with all
// the callback rules decide on: whether the guest is called, how urgently
// and by whom.
type DepartureToCall struct {
	GuestID    string
	Day        time.Time // hotel-local civil date, midnight UTC
	At         time.Time // the day's last departure
	StayIDs    []string  // the day's stays, in order of departure
	ServedBy   string    // roster staff id of the day's latest stay with a butler, or ""
	Dedicated  string    // the guest's dedicated butler as a roster staff id, or ""
	HasPhone   bool      // some profile of the guest has a mobile
	DoNotCall  bool      // marked in a profile, or asked for on an earlier call
	InHouse    bool      // checked in again and in house at the run's moment
	Complaint  bool      // a complaint on the day's feedback
	MinOverall *int      // the lowest overall score (1–5) on the day's feedback; nil without one
	MinNPS     *int      // the lowest NPS (0–10) on the day's feedback; nil without one
	VIPLevel   string    // the guest's latest member level, or ""
	FirstVisit bool      // no departure before this day
}

// departuresQuery finds, in one pass over the window's stays, every guest's
// departure days that have neither a task nor a skip yet, and everything the
// rules need about them. $1, $2: the window (start exclusive, as-of
// inclusive); $3: the hotel's zone.
//
// Existing tasks and skips are matched through guest_profiles, so a guest
// whose primary profile changed since (a new, older profile merged in) is
// still recognised.
const departuresQuery = `
WITH roster_keys AS (
    -- a butler as written (staff id, or name) → staff id; an id beats a name
    SELECT k, arg_min(staff_id, pri) AS staff_id FROM (
        SELECT staff_id AS k, staff_id, 0 AS pri FROM butlers
        UNION ALL SELECT name, staff_id, 1 FROM butlers
    ) GROUP BY k
),
win AS (
    SELECT gp.guest_id, st.property, st.stay_id, st.arrival, st.departure, rk.staff_id AS served_by,
           CAST(timezone($3, st.departure) AS DATE) AS departure_day
    FROM stays st JOIN guest_profiles gp USING (profile_id)
    LEFT JOIN roster_keys rk ON rk.k = st.butler_id
    WHERE st.departure > CAST($1 AS TIMESTAMPTZ) AND st.departure <= CAST($2 AS TIMESTAMPTZ)
),
days AS (
    SELECT guest_id, departure_day, max(departure) AS departure_at, min(arrival) AS first_arrival,
           string_agg(stay_id, ',' ORDER BY departure, stay_id) AS stay_ids,
           arg_max(served_by, departure) FILTER (WHERE served_by IS NOT NULL) AS served_by
    FROM win GROUP BY guest_id, departure_day
),
done AS (
    SELECT coalesce(gp.guest_id, t.guest_id) AS guest_id, t.departure_day
    FROM callback_tasks t LEFT JOIN guest_profiles gp ON gp.profile_id = t.guest_id
    WHERE t.departure_day >= CAST(timezone($3, CAST($1 AS TIMESTAMPTZ)) AS DATE)
    UNION
    SELECT coalesce(gp.guest_id, s.guest_id), s.departure_day
    FROM callback_skips s LEFT JOIN guest_profiles gp ON gp.profile_id = s.guest_id
    WHERE s.departure_day >= CAST(timezone($3, CAST($1 AS TIMESTAMPTZ)) AS DATE)
),
todo AS (
    SELECT d.* FROM days d
    WHERE NOT EXISTS (SELECT 1 FROM done x WHERE x.guest_id = d.guest_id AND x.departure_day = d.departure_day)
),
cand AS (
    SELECT profile_id, guest_id FROM guest_profiles WHERE guest_id IN (SELECT guest_id FROM todo)
),
prof AS (
    SELECT c.guest_id,
           bool_or(p.mobile IS NOT NULL AND p.mobile <> '') AS has_phone,
           bool_or(p.do_not_call) AS do_not_call,
           arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL) AS vip_level,
           arg_max(p.dedicated_butler, p.import_id * 1000000000 + p.line) FILTER (WHERE p.dedicated_butler IS NOT NULL) AS dedicated
    FROM cand c JOIN profiles p USING (profile_id) GROUP BY c.guest_id
),
refused AS (
    -- guests who asked on a call not to be called again: their task's guest
    -- id is a profile id, mapped to whoever that profile belongs to now
    SELECT DISTINCT gp.guest_id FROM callback_tasks ct JOIN guest_profiles gp ON gp.profile_id = ct.guest_id
    WHERE ct.disposition = 'do_not_call'
),
history AS (
    SELECT c.guest_id,
           min(CAST(timezone($3, st.departure) AS DATE)) AS first_departure_day,
           bool_or(st.arrival <= CAST($2 AS TIMESTAMPTZ) AND st.departure > CAST($2 AS TIMESTAMPTZ)) AS in_house
    FROM cand c JOIN stays st USING (profile_id) GROUP BY c.guest_id
),
forms AS (
    -- the forms on the day's stays, and any the guest filled in between the
    -- day's first arrival and now
    SELECT t.guest_id, t.departure_day, f.form_id, f.overall, f.nps, f.complaint
    FROM todo t JOIN win s ON s.guest_id = t.guest_id AND s.departure_day = t.departure_day
    JOIN feedback f ON f.stay_id = s.stay_id AND coalesce(f.property, s.property) = s.property
    UNION
    SELECT t.guest_id, t.departure_day, f.form_id, f.overall, f.nps, f.complaint
    FROM todo t JOIN cand c USING (guest_id) JOIN feedback f USING (profile_id)
    WHERE f.submitted_at >= t.first_arrival AND f.submitted_at <= CAST($2 AS TIMESTAMPTZ)
),
day_forms AS (
    SELECT guest_id, departure_day, bool_or(complaint) AS complaint, min(overall) AS min_overall, min(nps) AS min_nps
    FROM forms GROUP BY guest_id, departure_day
)
SELECT t.guest_id, t.departure_day, t.departure_at, t.stay_ids,
       coalesce(t.served_by, ''), coalesce(dk.staff_id, ''),
       coalesce(p.has_phone, false), coalesce(p.do_not_call, false) OR r.guest_id IS NOT NULL, coalesce(h.in_house, false),
       coalesce(f.complaint, false), f.min_overall, f.min_nps, coalesce(p.vip_level, ''),
       coalesce(h.first_departure_day >= t.departure_day, true)
FROM todo t
LEFT JOIN prof p USING (guest_id)
LEFT JOIN roster_keys dk ON dk.k = p.dedicated
LEFT JOIN refused r USING (guest_id)
LEFT JOIN history h USING (guest_id)
LEFT JOIN day_forms f USING (guest_id, departure_day)
ORDER BY t.departure_at, t.guest_id, t.departure_day`

func departuresToCall(ctx context.Context, conn *sql.Conn, start time.Time, run CallbackRun) ([]DepartureToCall, error) {
	rows, err := conn.QueryContext(ctx, departuresQuery, start, run.AsOf, run.Loc.String())
	if err != nil {
		return nil, fmt.Errorf("departures to call: %w", err)
	}
	defer rows.Close()
	var out []DepartureToCall
	for rows.Next() {
		var d DepartureToCall
		var stayIDs string
		if err := rows.Scan(&d.GuestID, &d.Day, &d.At, &stayIDs, &d.ServedBy, &d.Dedicated,
			&d.HasPhone, &d.DoNotCall, &d.InHouse, &d.Complaint, &d.MinOverall, &d.MinNPS, &d.VIPLevel,
			&d.FirstVisit); err != nil {
			return nil, fmt.Errorf("departures to call: %w", err)
		}
		d.StayIDs = strings.Split(stayIDs, ",")
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("departures to call: %w", err)
	}
	return out, nil
}
