package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// GuestSummary is what the warehouse knows of one guest's visits as of the
// end of a hotel-local day: the input of every per-guest metric and model.
type GuestSummary struct {
	GuestID           string
	Visits            int
	FirstArrival      time.Time // hotel-local calendar days, as midnight UTC
	LastArrival       time.Time
	LastDeparture     time.Time
	MedianGapDays     *float64 // next arrival − previous departure; nil with one visit
	MeanGapDays       *float64
	TotalSpendCents   int64
	RepeatSpendCents  int64 // spend of all visits but the first (Gamma-Gamma's input)
	FavouriteOutlet   string
	MainButler        string
	Anniversary       bool // one visit a year, always within two weeks of the same date
	RScore, FScore    int
	MScore            int
	VIPLevel          string
	Preferences       string
	MarketingConsent  bool
	DoNotContact      bool
	RecentComplaint   bool // a complaint in the exclusion window
	RecentlyContacted bool // marketing contacted the guest in the exclusion window
	OpenCallback      bool // a callback task or a service-recovery case still open
}

// summaryQuery computes every guest's summary in one pass over the visits
// (the guest_visits macro of migration 0002). $1 is the end of the as-of
// day, $2 the start of the exclusion window for contacts and complaints, $3
// the as-of day itself.
const summaryQuery = `
WITH v AS (SELECT * FROM guest_visits(CAST($1 AS TIMESTAMPTZ))),
gaps AS (
    SELECT guest_id, arrival_day - lag(departure_day) OVER (PARTITION BY guest_id ORDER BY visit_no) AS gap FROM v
),
gap_stats AS (
    SELECT guest_id, median(gap) AS median_gap, avg(gap) AS mean_gap FROM gaps WHERE gap IS NOT NULL GROUP BY guest_id
),
per_guest AS (
    SELECT guest_id, count(*) AS visits,
           min(arrival_day) AS first_arrival, max(arrival_day) AS last_arrival, max(departure_day) AS last_departure,
           sum(spend_cents) AS total_spend, sum(spend_cents) - arg_min(spend_cents, visit_no) AS repeat_spend,
           count(*) >= 2 AND count(DISTINCT year(arrival_day)) = count(*)
             AND max(dayofyear(arrival_day)) - min(dayofyear(arrival_day)) <= 14 AS anniversary
    FROM v GROUP BY guest_id
),
outlets AS (
    SELECT guest_id, main_outlet, count(*) AS n, sum(spend_cents) AS spend FROM v GROUP BY ALL
),
favourite AS (
    -- the outlet of most visits; ties go to the bigger spend, then the name
    SELECT guest_id, first(main_outlet ORDER BY n DESC, spend DESC, main_outlet) AS favourite_outlet
    FROM outlets GROUP BY guest_id
),
served AS (
    SELECT gp.guest_id, st.butler_id, count(*) AS n, max(st.departure) AS latest
    FROM stays st JOIN guest_profiles gp USING (profile_id)
    WHERE st.departure <= CAST($1 AS TIMESTAMPTZ) AND st.butler_id IS NOT NULL GROUP BY ALL
),
main_butler AS (
    -- the butler who served the guest most; ties go to the most recent
    SELECT guest_id, first(butler_id ORDER BY n DESC, latest DESC, butler_id) AS main_butler
    FROM served GROUP BY guest_id
),
latest AS (
    SELECT gp.guest_id,
           arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL) AS vip_level,
           arg_max(p.preferences, p.import_id * 1000000000 + p.line) FILTER (WHERE p.preferences IS NOT NULL) AS preferences,
           arg_max(p.marketing_consent, p.import_id * 1000000000 + p.line) FILTER (WHERE p.marketing_consent IS NOT NULL) AS consent,
           bool_or(p.do_not_call) AS do_not_contact
    FROM profiles p JOIN guest_profiles gp USING (profile_id) GROUP BY gp.guest_id
),
complaints AS (
    SELECT DISTINCT gp.guest_id FROM feedback f JOIN guest_profiles gp USING (profile_id)
    WHERE f.complaint AND f.submitted_at > CAST($2 AS TIMESTAMPTZ) AND f.submitted_at <= CAST($1 AS TIMESTAMPTZ)
),
contacted AS (
    SELECT guest_id FROM marketing_contacts
    WHERE contacted_at > CAST($2 AS TIMESTAMPTZ) AND contacted_at <= CAST($1 AS TIMESTAMPTZ)
    -- a campaign's holdout stays off every list for its measurement window,
    -- or contacting them would spoil the comparison
    UNION SELECT m.guest_id FROM campaign_members m JOIN campaigns k USING (campaign_id)
    WHERE m.grp = 'holdout' AND k.as_of <= CAST($3 AS DATE) AND CAST($3 AS DATE) < k.as_of + k.window_days
),
open_callbacks AS (
    SELECT guest_id FROM callback_tasks WHERE status = 'open'
    UNION SELECT guest_id FROM recovery_cases WHERE status <> 'resolved'
),
scored AS (
    SELECT g.*, s.median_gap, s.mean_gap,
           least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY g.last_departure)))::INTEGER AS r_score,
           least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY g.visits)))::INTEGER AS f_score,
           least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY g.total_spend)))::INTEGER AS m_score
    FROM per_guest g LEFT JOIN gap_stats s USING (guest_id)
)
SELECT s.guest_id, s.visits, s.first_arrival, s.last_arrival, s.last_departure, s.median_gap, s.mean_gap,
       s.total_spend, s.repeat_spend, coalesce(f.favourite_outlet, ''), coalesce(b.main_butler, ''), s.anniversary,
       s.r_score, s.f_score, s.m_score,
       coalesce(l.vip_level, ''), coalesce(l.preferences, ''), coalesce(l.consent, false), coalesce(l.do_not_contact, false),
       c.guest_id IS NOT NULL, k.guest_id IS NOT NULL, o.guest_id IS NOT NULL
FROM scored s
LEFT JOIN favourite f USING (guest_id)
LEFT JOIN main_butler b USING (guest_id)
LEFT JOIN latest l USING (guest_id)
LEFT JOIN complaints c USING (guest_id)
LEFT JOIN contacted k USING (guest_id)
LEFT JOIN open_callbacks o USING (guest_id)`

// EndOfDay is the end of the hotel-local day d: the next day's midnight. The
// queries take what ended at or before it, so a stay ending at midnight
// belongs to d.
func EndOfDay(d time.Time, loc *time.Location) time.Time {
	y, m, day := d.In(loc).Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, loc)
}

// GuestSummaries streams every guest's summary as of asOfEnd, in no
// particular order (sorting a million wide rows costs seconds). Contacts and complaints after windowStart keep a guest off lists.
func (w *Warehouse) GuestSummaries(ctx context.Context, asOfEnd, windowStart time.Time, fn func(*GuestSummary) error) error {
	asOf := asOfEnd.AddDate(0, 0, -1).Format(time.DateOnly) // the end is the next day's midnight, hotel time
	rows, err := w.db.QueryContext(ctx, summaryQuery, asOfEnd, windowStart, asOf)
	if err != nil {
		return fmt.Errorf("warehouse: guest summaries: %w", err)
	}
	defer rows.Close()
	var s GuestSummary
	for rows.Next() {
		var median, mean sql.NullFloat64
		if err := rows.Scan(&s.GuestID, &s.Visits, &s.FirstArrival, &s.LastArrival, &s.LastDeparture, &median, &mean,
			&s.TotalSpendCents, &s.RepeatSpendCents, &s.FavouriteOutlet, &s.MainButler, &s.Anniversary,
			&s.RScore, &s.FScore, &s.MScore, &s.VIPLevel, &s.Preferences, &s.MarketingConsent, &s.DoNotContact,
			&s.RecentComplaint, &s.RecentlyContacted, &s.OpenCallback); err != nil {
			return fmt.Errorf("warehouse: guest summaries: %w", err)
		}
		s.MedianGapDays, s.MeanGapDays = nullFloat(median), nullFloat(mean)
		if err := fn(&s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: guest summaries: %w", err)
	}
	return nil
}

func nullFloat(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	v := f.Float64
	return &v
}

// BacktestGuest is one guest of a backtest: their visits up to the
// calibration end, and how many visits they began in the holdout after it.
type BacktestGuest struct {
	GuestID       string
	Visits        int
	FirstArrival  time.Time // civil days, midnight UTC
	LastArrival   time.Time
	HoldoutVisits int
}

// BacktestGuests splits every guest's visits as of end into those ended by
// calEnd (the calibration) and those begun after it (the holdout), from one
// pass over the visits. A visit that straddles calEnd is in neither: its
// stays before the cut merged with ones after it.
func (w *Warehouse) BacktestGuests(ctx context.Context, calEnd, end time.Time, fn func(*BacktestGuest) error) error {
	rows, err := w.db.QueryContext(ctx, `SELECT guest_id,
			count(*) FILTER (WHERE departure <= CAST($2 AS TIMESTAMPTZ)),
			min(arrival_day) FILTER (WHERE departure <= CAST($2 AS TIMESTAMPTZ)),
			max(arrival_day) FILTER (WHERE departure <= CAST($2 AS TIMESTAMPTZ)),
			count(*) FILTER (WHERE arrival > CAST($2 AS TIMESTAMPTZ))
		FROM guest_visits(CAST($1 AS TIMESTAMPTZ)) GROUP BY guest_id
		HAVING count(*) FILTER (WHERE departure <= CAST($2 AS TIMESTAMPTZ)) > 0
		ORDER BY guest_id`, end, calEnd) // the backtest's ties break by this order
	if err != nil {
		return fmt.Errorf("warehouse: backtest guests: %w", err)
	}
	defer rows.Close()
	var g BacktestGuest
	for rows.Next() {
		if err := rows.Scan(&g.GuestID, &g.Visits, &g.FirstArrival, &g.LastArrival, &g.HoldoutVisits); err != nil {
			return fmt.Errorf("warehouse: backtest guests: %w", err)
		}
		if err := fn(&g); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: backtest guests: %w", err)
	}
	return nil
}
