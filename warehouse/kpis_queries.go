package warehouse

import (
	"context"
	"database/sql"
	"strings"
)

// The SQL of the KPI families: one grouped query per family of figures.

// kpiFamily is one query's worth of figures. Its events are CTEs ending in
// ev, one row per counted event with ev_day (the hotel-local DATE it is
// grouped by), ev_outlet and ev_butler (NULL where they do not apply) and
// what the measures read. $1… are args' values; a property filter, when
// given, is spliced in at {property} and takes the next parameter.
type kpiFamily struct {
	name     string
	set      kpiFamilySet
	events   string
	property string
	measures string
	args     func(p kpiParams) []any
	scan     func(rows *sql.Rows, at func(total bool, key string) *kpiCounts) error
}

// kpiKeys compute a group's key from an event; the calendar ones agree with calendarKey.
var kpiKeys = map[string]string{
	"day":    "strftime(ev_day, '%Y-%m-%d')",
	"week":   "printf('%04d-W%02d', isoyear(ev_day), weekofyear(ev_day))",
	"month":  "strftime(ev_day, '%Y-%m')",
	"outlet": "coalesce(ev_outlet, '')",
	"butler": "coalesce(ev_butler, '')",
	"team":   "coalesce(r.team, '')",
}

// kpiRoster is each butler's team on the latest roster.
const kpiRoster = `(SELECT staff_id, arg_max(team, import_id * 1000000000 + line) AS team FROM butlers GROUP BY staff_id)`

func (f kpiFamily) run(ctx context.Context, tx *sql.Tx, groupBy string, p kpiParams, acc *kpiAccumulator) error {
	if kpiFamiliesFor(groupBy)&f.set == 0 {
		groupBy = "" // the total only: the groups leave these figures nil
	}
	args, prop := f.args(p), ""
	if p.property != "" {
		args, prop = append(args, p.property), f.property
	}
	rows, err := tx.QueryContext(ctx, f.query(groupBy, prop), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return f.scan(rows, acc.at)
}

// query is the family's SQL: the total, and with a grouping one row per
// group too (GROUPING SETS, so a guest counted in two groups is one guest in
// the total). Only constant fragments are spliced in; values are parameters.
func (f kpiFamily) query(groupBy, property string) string {
	events := strings.Replace(f.events, "{property}", property, 1)
	if groupBy == "" {
		return "WITH " + events + "\nSELECT true, '', " + f.measures + "\nFROM ev"
	}
	from := "ev"
	if groupBy == "team" {
		from = "ev LEFT JOIN " + kpiRoster + " r ON r.staff_id = ev.ev_butler"
	}
	return "WITH " + events + ",\nkeyed AS (SELECT ev.*, " + kpiKeys[groupBy] + " AS k FROM " + from + ")\n" +
		"SELECT grouping(k) = 1, coalesce(k, ''), " + f.measures + "\nFROM keyed GROUP BY GROUPING SETS ((), (k))"
}

// scanKPIs reads a family's rows (total flag, key, then cols) into part of
// the counts of the total or of the row's group.
func scanKPIs[T any](part func(*kpiCounts) *T, cols func(*T) []any) func(*sql.Rows, func(bool, string) *kpiCounts) error {
	return func(rows *sql.Rows, at func(bool, string) *kpiCounts) error {
		for rows.Next() {
			var total bool
			var key string
			var v T
			if err := rows.Scan(append([]any{&total, &key}, cols(&v)...)...); err != nil {
				return err
			}
			*part(at(total, key)) = v
		}
		return rows.Err()
	}
}

// kpiTasksAtProperty are the callback tasks with a stay at the property $n
// (stay ids are matched without their property: tasks keep only the ids).
func kpiTasksAtProperty(n string) string {
	return `SELECT t.task_id FROM (SELECT task_id, unnest(string_split(stay_ids, ',')) AS stay_id FROM callback_tasks) t
        JOIN stays s ON s.stay_id = t.stay_id WHERE s.property = $` + n
}

// Time spans are integer microseconds, as in slaQuery: TIMESTAMPTZ
// arithmetic goes through the session zone's calendar and is slow.
var kpiFamilies = []kpiFamily{{
	name: "stays", set: famStays,
	events: `ev AS (
    SELECT CAST(st.departure AS DATE) AS ev_day, st.outlet_kind AS ev_outlet, st.butler_id AS ev_butler
    FROM stays st
    WHERE st.departure >= $1 AND st.departure < $2 {property})`,
	property: "AND st.property = $3",
	measures: "count(*)",
	args:     func(p kpiParams) []any { return []any{p.start, p.end} },
	scan: scanKPIs(func(c *kpiCounts) *kpiStayCounts { return &c.stays },
		func(s *kpiStayCounts) []any { return []any{&s.stays} }),
}, {
	// One event per night of a room stay that falls in the period, and one
	// per day-use stay (0 nights) on its date. A stay's spend is shared out
	// over its n nights as spend·(i+1)/n − spend·i/n for night i, in
	// integers: the shares add up to the spend exactly, whatever rounding
	// the division does, and differ by at most one fen.
	name: "room nights", set: famRooms,
	events: `rs AS (
    SELECT CAST(st.arrival AS DATE) AS a, CAST(st.departure AS DATE) AS d, st.butler_id,
           CAST(coalesce(st.spend_cents, 0) AS HUGEINT) AS spend
    FROM stays st
    WHERE st.outlet_kind = 'room' AND st.arrival < $2 AND st.departure >= $1 {property}
), rn AS (
    SELECT a, d, butler_id, spend, greatest(d - a, 1) AS n, unnest(range(greatest(d - a, 1))) AS i FROM rs
), ev AS (
    SELECT a + CAST(i AS INTEGER) AS ev_day, 'room' AS ev_outlet, butler_id AS ev_butler,
           CAST(d > a AS INTEGER) AS night, spend * (i + 1) // n - spend * i // n AS revenue
    FROM rn
    WHERE a + CAST(i AS INTEGER) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE))`,
	property: "AND st.property = $5",
	measures: "CAST(coalesce(sum(night), 0) AS BIGINT), CAST(coalesce(sum(revenue), 0) AS BIGINT)",
	args:     func(p kpiParams) []any { return []any{p.start, p.end, p.from, p.to} },
	scan: scanKPIs(func(c *kpiCounts) *kpiRoomCounts { return &c.rooms },
		func(r *kpiRoomCounts) []any { return []any{&r.nights, &r.revenueCents} }),
}, {
	// Visits are guest_visits as of the end of To, so a past period's
	// figures do not move as later stays arrive. Each counted visit is one
	// row per role: a visit departing in the period, a first visit departing
	// in the period (with its gap to the next arrival), a visit arriving in
	// the period after an earlier one (with its gap from the previous).
	name: "visits", set: famVisits,
	events: `v AS MATERIALIZED (
    SELECT guest_id, visit_no, arrival, departure, arrival_day, departure_day, main_outlet,
           lag(departure_day) OVER w AS prev_departure_day, lead(arrival_day) OVER w AS next_arrival_day
    FROM guest_visits(CAST($1 AS TIMESTAMPTZ))
    WINDOW w AS (PARTITION BY guest_id ORDER BY visit_no)
), pv AS (
    SELECT * FROM v
    WHERE (departure_day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)
        OR arrival_day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)) {property}
), ev AS (
    SELECT 'visit' AS kind, departure_day AS ev_day, main_outlet AS ev_outlet, CAST(NULL AS VARCHAR) AS ev_butler,
           guest_id, visit_no > 1 AS earlier, CAST(NULL AS BIGINT) AS gap
    FROM pv WHERE departure_day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)
    UNION ALL
    SELECT 'first', departure_day, main_outlet, NULL, guest_id, false, next_arrival_day - departure_day
    FROM pv WHERE visit_no = 1 AND departure_day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)
    UNION ALL
    SELECT 'interval', arrival_day, main_outlet, NULL, guest_id, false, arrival_day - prev_departure_day
    FROM pv WHERE visit_no > 1 AND arrival_day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE))`,
	property: `AND EXISTS (SELECT 1 FROM stays st JOIN guest_profiles gp USING (profile_id)
        WHERE gp.guest_id = v.guest_id AND st.property = $5 AND st.arrival >= v.arrival AND st.departure <= v.departure)`,
	measures: `count(DISTINCT guest_id) FILTER (WHERE kind = 'visit'),
       count(DISTINCT guest_id) FILTER (WHERE kind = 'visit' AND earlier),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 90 <= CAST($4 AS DATE)),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 90 <= CAST($4 AS DATE) AND gap <= 90),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 180 <= CAST($4 AS DATE)),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 180 <= CAST($4 AS DATE) AND gap <= 180),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 365 <= CAST($4 AS DATE)),
       count(*) FILTER (WHERE kind = 'first' AND ev_day + 365 <= CAST($4 AS DATE) AND gap <= 365),
       count(*) FILTER (WHERE kind = 'interval'),
       quantile_cont(gap, 0.5) FILTER (WHERE kind = 'interval')`,
	args: func(p kpiParams) []any { return []any{p.end, p.from, p.to, p.cutoff} },
	scan: scanKPIs(func(c *kpiCounts) *kpiVisitCounts { return &c.visits }, func(v *kpiVisitCounts) []any {
		return []any{&v.guests, &v.repeatGuests, &v.cohort[0], &v.returned[0], &v.cohort[1], &v.returned[1],
			&v.cohort[2], &v.returned[2], &v.intervals, &v.medianInterval}
	}),
}, {
	name: "feedback", set: famFeedback,
	events: `ev AS (
    SELECT CAST(f.submitted_at AS DATE) AS ev_day, s.outlet_kind AS ev_outlet, s.butler_id AS ev_butler,
           f.overall, f.nps, f.complaint
    FROM feedback f LEFT JOIN stays s ON s.stay_id = f.stay_id AND s.property = f.property
    WHERE f.submitted_at >= $1 AND f.submitted_at < $2 {property})`,
	property: "AND f.property = $3",
	measures: `count(*), CAST(coalesce(sum(overall), 0) AS BIGINT), count(*) FILTER (WHERE overall >= 4),
       count(nps), count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(*) FILTER (WHERE complaint)`,
	args: func(p kpiParams) []any { return []any{p.start, p.end} },
	scan: scanKPIs(func(c *kpiCounts) *kpiFeedbackCounts { return &c.feedback }, func(f *kpiFeedbackCounts) []any {
		return []any{&f.forms, &f.overallSum, &f.top2, &f.npsForms, &f.promoters, &f.detractors, &f.complaints}
	}),
}, {
	name: "recovery cases", set: famCases,
	events: `ev AS (
    SELECT CAST(c.opened_at AS DATE) AS ev_day, CAST(NULL AS VARCHAR) AS ev_outlet, c.owner AS ev_butler,
           epoch_us(c.resolved_at) - epoch_us(c.opened_at) AS resolve_us
    FROM recovery_cases c
    WHERE c.opened_at >= $1 AND c.opened_at < $2 AND c.outcome IS DISTINCT FROM '` + DispositionForgotten + `' {property})`,
	property: "AND c.task_id IN (" + kpiTasksAtProperty("3") + ")",
	measures: `count(*), count(*) FILTER (WHERE resolve_us IS NULL), count(resolve_us),
       quantile_cont(resolve_us / 3600000000.0, 0.5)`,
	args: func(p kpiParams) []any { return []any{p.start, p.end} },
	scan: scanKPIs(func(c *kpiCounts) *kpiCaseCounts { return &c.cases }, func(c *kpiCaseCounts) []any {
		return []any{&c.opened, &c.open, &c.resolved, &c.medianHours}
	}),
}, {
	// Counted from the event log exactly as slaQuery does; a test holds the two together.
	name: "callbacks", set: famCalls,
	events: `tk AS (
    SELECT t.task_id, t.owner, t.departure_at, CAST(t.due_at AS DATE) AS due_day
    FROM callback_tasks t
    WHERE t.due_at >= $1 AND t.due_at < $2 {property}
), ev AS (
    SELECT any_value(tk.due_day) AS ev_day, CAST(NULL AS VARCHAR) AS ev_outlet, any_value(tk.owner) AS ev_butler,
           epoch_us(any_value(tk.departure_at)) AS departed_us,
           count(e.kind) FILTER (WHERE e.kind = 'attempt') AS attempts,
           epoch_us(min(e.event_at) FILTER (WHERE e.kind = 'closed')) AS closed_us,
           arg_min(e.disposition, e.event_id) FILTER (WHERE e.kind = 'closed') AS closed_as,
           count(e.kind) FILTER (WHERE e.kind = 'recovery_changed' AND e.disposition IN ('recovered', 'not_recovered')) AS resolved_cases,
           count(e.kind) FILTER (WHERE e.kind = 'recovery_changed' AND e.disposition = 'recovered') AS recovered_cases
    FROM tk LEFT JOIN callback_events e ON e.task_id = tk.task_id AND e.kind IN ('attempt', 'closed', 'recovery_changed')
    GROUP BY tk.task_id
    -- a task closed because its guest was forgotten is no one's work: not due, not met, not missed
    HAVING closed_as IS DISTINCT FROM '` + DispositionForgotten + `')`,
	property: "AND t.task_id IN (" + kpiTasksAtProperty("4") + ")",
	measures: `count(*), count(*) FILTER (WHERE closed_us <= departed_us + 86400000000), count(closed_us),
       count(*) FILTER (WHERE list_contains($3, closed_as)), CAST(coalesce(sum(attempts), 0) AS BIGINT),
       CAST(coalesce(sum(recovered_cases), 0) AS BIGINT), CAST(coalesce(sum(resolved_cases), 0) AS BIGINT)`,
	args: func(p kpiParams) []any { return []any{p.start, p.end, reachedDispositions} },
	scan: scanKPIs(func(c *kpiCounts) *kpiCallCounts { return &c.calls }, func(c *kpiCallCounts) []any {
		return []any{&c.due, &c.within24h, &c.closed, &c.reached, &c.attempts, &c.recovered, &c.resolvedCases}
	}),
}}
