package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/internal/freetext"
)

// ErrNoAnalysis is returned when no analysis exists for the date asked.
var ErrNoAnalysis = errors.New("no analysis for that date: run 'revisit analyze' first")

// Contact is what people need to reach a guest: the latest known name, form
// of address, member level and mobile across the guest's profiles.
type Contact struct {
	Name, Title, VIPLevel, Mobile string
}

// contactsCTE picks each guest's latest non-empty contact details.
const contactsCTE = `contacts AS (
    SELECT gp.guest_id,
           arg_max(p.name, p.import_id * 1000000000 + p.line) FILTER (WHERE p.name IS NOT NULL) AS name,
           arg_max(p.title, p.import_id * 1000000000 + p.line) FILTER (WHERE p.title IS NOT NULL) AS title,
           arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL) AS vip_level,
           arg_max(p.mobile, p.import_id * 1000000000 + p.line) FILTER (WHERE p.mobile IS NOT NULL) AS mobile
    FROM profiles p JOIN guest_profiles gp USING (profile_id) GROUP BY gp.guest_id)`

// LatestAnalysis is the newest as-of date analysed that is not after today
// (the hotel's civil date). An analysis dated in the future — a night run by
// mistake for 9999-12-31 — is never the one served: days since the last
// visit would be counted from a day that has not come.
func (w *Warehouse) LatestAnalysis(ctx context.Context, today time.Time) (time.Time, error) {
	var d sql.NullTime
	if err := w.db.QueryRowContext(ctx, "SELECT max(as_of) FROM analysis_runs WHERE as_of <= CAST(? AS DATE)",
		today.Format(time.DateOnly)).Scan(&d); err != nil {
		return time.Time{}, fmt.Errorf("warehouse: latest analysis: %w", err)
	}
	if !d.Valid {
		return time.Time{}, ErrNoAnalysis
	}
	return d.Time, nil
}

// HasAnalysis returns ErrNoAnalysis when asOf was never analysed.
func (w *Warehouse) HasAnalysis(ctx context.Context, asOf time.Time) error {
	return hasAnalysis(ctx, w.db, asOf)
}

func hasAnalysis(ctx context.Context, q querier, asOf time.Time) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM analysis_runs WHERE as_of = CAST(? AS DATE)",
		asOf.Format(time.DateOnly)).Scan(&n); err != nil {
		return fmt.Errorf("warehouse: analysis runs: %w", err)
	}
	if n == 0 {
		return ErrNoAnalysis
	}
	return nil
}

// GuestRow is one guest of the guests export.
type GuestRow struct {
	GuestMetric
	Contact
}

// GuestRows streams every guest's metrics of asOf with their contact
// details, in guest id order.
func (w *Warehouse) GuestRows(ctx context.Context, asOf time.Time, fn func(*GuestRow) error) error {
	return guestRows(ctx, w.db, asOf, fn)
}

func guestRows(ctx context.Context, q querier, asOf time.Time, fn func(*GuestRow) error) error {
	if err := hasAnalysis(ctx, q, asOf); err != nil {
		return err
	}
	after := ""
	for {
		n, last, err := guestRowsChunk(ctx, q, asOf, after, fn)
		if err != nil || n < guestChunk {
			return err
		}
		after = last
	}
}

// guestChunk is how many guests one query of GuestRows reads. DuckDB's Go
// driver materialises a whole result before the first row is scanned, so a
// million guests read at once held their 290 MB in memory (and 760 MB with
// the contacts and the sort); read in chunks by guest id, memory stays
// flat whatever the hotel's size, for about 5 % more time.
const guestChunk = 50_000

// guestChunkQuery reads the next chunk of guests after $2 (by id) with
// their contact details, gathered for that chunk's id range only.
const guestChunkQuery = `
WITH m AS (
    SELECT * FROM guest_metrics WHERE as_of = CAST($1 AS DATE) AND guest_id > $2 ORDER BY guest_id LIMIT $3
), bounds AS (SELECT min(guest_id) AS lo, max(guest_id) AS hi FROM m
), contacts AS (
    SELECT gp.guest_id,
           arg_max(p.name, p.import_id * 1000000000 + p.line) FILTER (WHERE p.name IS NOT NULL) AS name,
           arg_max(p.title, p.import_id * 1000000000 + p.line) FILTER (WHERE p.title IS NOT NULL) AS title,
           arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL) AS vip_level,
           arg_max(p.mobile, p.import_id * 1000000000 + p.line) FILTER (WHERE p.mobile IS NOT NULL) AS mobile
    FROM profiles p JOIN guest_profiles gp USING (profile_id), bounds
    WHERE gp.guest_id BETWEEN bounds.lo AND bounds.hi
    GROUP BY gp.guest_id
)
SELECT m.guest_id, m.visits, m.first_visit, m.last_visit, m.recency_days, m.age_days, m.days_since_last,
       m.median_interval_days, m.mean_interval_days, m.expected_next, m.days_overdue, m.anniversary,
       m.total_spend_cents, m.mean_spend_cents, coalesce(m.favourite_outlet, ''), coalesce(m.main_butler, ''),
       m.r_score, m.f_score, m.m_score, m.segment, m.p_alive, m.expected_visits_90d, m.expected_visits_365d,
       m.expected_spend_cents, m.value_365d_cents,
       coalesce(c.name, ''), coalesce(c.title, ''), coalesce(c.vip_level, ''), coalesce(c.mobile, '')
FROM m LEFT JOIN contacts c USING (guest_id) ORDER BY m.guest_id`

// guestRowsChunk streams one chunk to fn and returns its size and last id.
func guestRowsChunk(ctx context.Context, q querier, asOf time.Time, after string, fn func(*GuestRow) error) (int, string, error) {
	rows, err := q.QueryContext(ctx, guestChunkQuery, asOf.Format(time.DateOnly), after, guestChunk)
	if err != nil {
		return 0, "", fmt.Errorf("warehouse: guest rows: %w", err)
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		var g GuestRow
		var median, mean, pAlive, e90, e365, spend, value sql.NullFloat64
		var next sql.NullTime
		var overdue sql.NullInt64
		if err := rows.Scan(&g.GuestID, &g.Visits, &g.FirstVisit, &g.LastVisit, &g.RecencyDays, &g.AgeDays, &g.DaysSinceLast,
			&median, &mean, &next, &overdue, &g.Anniversary, &g.TotalSpendCents, &g.MeanSpendCents,
			&g.FavouriteOutlet, &g.MainButler, &g.RScore, &g.FScore, &g.MScore, &g.Segment,
			&pAlive, &e90, &e365, &spend, &value, &g.Name, &g.Title, &g.VIPLevel, &g.Mobile); err != nil {
			return n, last, fmt.Errorf("warehouse: guest rows: %w", err)
		}
		g.MedianIntervalDays, g.MeanIntervalDays = nullFloat(median), nullFloat(mean)
		g.PAlive, g.ExpectedVisits90, g.ExpectedVisits365 = nullFloat(pAlive), nullFloat(e90), nullFloat(e365)
		g.ExpectedSpendCents, g.Value365Cents = nullFloat(spend), nullFloat(value)
		if next.Valid {
			g.ExpectedNext = &next.Time
		}
		if overdue.Valid {
			d := int(overdue.Int64)
			g.DaysOverdue = &d
		}
		n, last = n+1, g.GuestID
		if err := fn(&g); err != nil {
			return n, last, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, last, fmt.Errorf("warehouse: guest rows: %w", err)
	}
	return n, last, nil
}

// TargetRow is one guest of a revisit list, with what the caller needs to
// invite them.
type TargetRow struct {
	Target
	Contact
	Visits        int
	DaysSinceLast int
	PAlive        *float64
	Segment       string
}

// TargetRows streams the targets of asOf, due first, then by priority.
func (w *Warehouse) TargetRows(ctx context.Context, asOf time.Time, fn func(*TargetRow) error) error {
	return targetRows(ctx, w.db, asOf, fn)
}

func targetRows(ctx context.Context, q querier, asOf time.Time, fn func(*TargetRow) error) error {
	if err := hasAnalysis(ctx, q, asOf); err != nil {
		return err
	}
	return scanTargetRows(ctx, q, fn, "WHERE t.as_of = CAST(? AS DATE)", asOf.Format(time.DateOnly))
}

// scanTargetRows streams the targets that where selects, due first, then
// by priority.
func scanTargetRows(ctx context.Context, q querier, fn func(*TargetRow) error, where string, args ...any) error {
	rows, err := q.QueryContext(ctx, `WITH `+contactsCTE+`
		SELECT t.guest_id, t.kind, t.priority, t.due_date, coalesce(t.butler_id, ''), coalesce(t.favourite_outlet, ''),
		       coalesce(t.preferences, ''), t.reason_zh, t.reason_en,
		       coalesce(c.name, ''), coalesce(c.title, ''), coalesce(c.vip_level, ''), coalesce(c.mobile, ''),
		       m.visits, m.days_since_last, m.p_alive, m.segment
		FROM targets t JOIN guest_metrics m ON m.as_of = t.as_of AND m.guest_id = t.guest_id
		LEFT JOIN contacts c ON c.guest_id = t.guest_id
		`+where+`
		ORDER BY t.kind = 'winback', t.priority DESC, t.guest_id`, args...)
	if err != nil {
		return fmt.Errorf("warehouse: target rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t TargetRow
		var due sql.NullTime
		var pAlive sql.NullFloat64
		if err := rows.Scan(&t.GuestID, &t.Kind, &t.Priority, &due, &t.ButlerID, &t.FavouriteOutlet, &t.Preferences,
			&t.ReasonZH, &t.ReasonEN, &t.Name, &t.Title, &t.VIPLevel, &t.Mobile, &t.Visits, &t.DaysSinceLast,
			&pAlive, &t.Segment); err != nil {
			return fmt.Errorf("warehouse: target rows: %w", err)
		}
		if due.Valid {
			t.DueDate = &due.Time
		}
		t.PAlive = nullFloat(pAlive)
		if err := fn(&t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RecordContact notes that marketing contacted a guest, which keeps them off
// revisit lists for the contact window.
func (w *Warehouse) RecordContact(ctx context.Context, guestID string, at time.Time, channel, campaign string) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, "INSERT INTO marketing_contacts VALUES (?, ?, ?, ?)",
		guestID, at, nullStr(freetext.Line(channel)), nullStr(freetext.Line(campaign))); err != nil {
		return fmt.Errorf("warehouse: record contact: %w", err)
	}
	w.changed()
	return nil
}

// AnalysedDays lists the latest limit analysed days not after today (the
// hotel's civil date), newest first: like LatestAnalysis, never a day to come.
func (w *Warehouse) AnalysedDays(ctx context.Context, today time.Time, limit int) ([]time.Time, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT as_of FROM analysis_runs WHERE as_of <= CAST(? AS DATE) ORDER BY as_of DESC LIMIT ?",
		today.Format(time.DateOnly), limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: analysed days: %w", err)
	}
	defer rows.Close()
	var days []time.Time
	for rows.Next() {
		var d time.Time
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("warehouse: analysed days: %w", err)
		}
		days = append(days, d)
	}
	return days, rows.Err()
}
