package warehouse

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The managers' KPIs: room nights and rates, repeat guests, revisits,
// satisfaction, complaints and callbacks over a range of hotel-local days, in total and per day, week,
// month, outlet, team or butler: one query per family of figures (stays,
// visits, feedback, recovery cases, callbacks), each grouped in SQL.

// ErrBadKPIQuery is returned for a KPI query that cannot be answered: a day
// missing, From after To, an unknown grouping, or a range over three years.
var ErrBadKPIQuery = errors.New("bad KPI query")

// KPIGroupings are the groupings KPIQuery.GroupBy accepts besides "".
var KPIGroupings = []string{"day", "week", "month", "outlet", "team", "butler"}

// kpiMaxYears bounds a query's range, so one request cannot make the server
// group a decade by day.
const kpiMaxYears = 3

// KPIQuery asks for the KPIs of the hotel-local calendar days From to To,
// both included. Only the date of From and To is used, read as written
// (t.Date(), in the time's own location): a civil date at midnight UTC and a
// hotel-local time both name the day a manager means.
type KPIQuery struct {
	From, To time.Time
	// Property narrows stays and feedback to a property (stays.property,
	// feedback.property); "" is all properties. Visits count when one of their
	// stays is at the property, but a guest's history (earlier and next
	// visits) is at any property. Callbacks and recovery cases count when one
	// of the task's stays (callback_tasks.stay_ids) is at the property; a form
	// tied to no stay has no property and counts only in the all-properties report.
	Property string
	// GroupBy is "" for the total only, or one of KPIGroupings.
	GroupBy string
	// Now is when the report is made (zero: time.Now()). A revisit window
	// counts only once it has closed, by the end of To and before Now's
	// hotel-local day.
	Now time.Time
}

// KPIs are a group's figures, each with its numerator and denominator. A nil
// figure does not apply to the grouping (JSON null); the total has them all.
// A count's Value is the count (Numerator the count, Denominator 1); a
// ratio's Value is null when its denominator is 0 (nothing to divide: a
// period without forms has no CSAT, not a CSAT of 0).
//
// Groupings: day, week (ISO, key 2026-W48) and month apply to every figure,
// by the hotel-local day named on the figure. outlet (the stay's
// outlet_kind; a visit's main outlet, its biggest spend) applies to the stay,
// visit, feedback and room figures (the room figures only in "room"). butler (stays.butler_id; a form's stay's
// butler; a task's or case's owner) and team (that butler's roster team)
// apply to the stay, room, feedback, callback and recovery figures. A guest counts
// once per group, so guests do not add up across groups.
type KPIs struct {
	// Stays: stays and outlet visits that departed in the period, a count;
	// by departure day.
	Stays *Figure `json:"stays"`
	// Guests: guests with a visit that departed in the period, a count; by
	// the visit's departure day. Not per butler or team.
	Guests *Figure `json:"guests"`
	// RoomNights: room nights sold in the period, a count (USALI/STR room
	// nights): only room stays (outlet kind room, 客房) count, and a stay's
	// nights are the hotel-local dates from its arrival date up to, not
	// including, its departure date, each counted on the day (week, month)
	// it falls in: a stay from 30 Jan to 2 Feb puts 2 nights in January and 1
	// in February. A day-use stay (departing on its arrival date) has 0
	// nights. Per outlet only "room" has it (null for the other outlets);
	// per butler and team by the stay's butler; KPIQuery.Property by the
	// stay's property.
	RoomNights *Figure `json:"room_nights"`
	// RoomRevenue: the room stays' spend, in the hotel's currency, spread
	// evenly over each stay's nights and counted on the days they fall in (a
	// stay's fen are shared out exactly: the nights' shares differ by at
	// most one fen and add up to the stay's spend). A day-use stay's spend
	// counts on its date, with no night. A stay without a recorded spend
	// adds nights and no revenue. Numerator the revenue in hundredths (fen),
	// Denominator 100, Value the revenue in the currency (yuan by default).
	// Grouped as RoomNights.
	RoomRevenue *Figure `json:"room_revenue"`
	// ADR: average daily rate, room revenue per room night sold (USALI/STR):
	// Numerator RoomRevenue's hundredths, Denominator RoomNights, Value
	// Numerator / Denominator / 100 in the currency; null when no night was
	// sold (a period of day-use stays only). Day-use revenue is in the
	// numerator, its stays not in the denominator, as STR reports day rooms.
	// Grouped as RoomNights.
	ADR *Figure `json:"adr"`
	// RepeatGuestRate: guests with a visit departing in the period that had
	// an earlier visit (any time, any property), over Guests. Visits are
	// guest_visits as of the end of To. Not per butler or team.
	RepeatGuestRate *Figure `json:"repeat_guest_rate"`
	// RevisitRate90d: guests whose first visit ever departed in the period
	// and whose 90-day window has closed (departure day + 90 ≤ the cut-off
	// day), over those guests: the share whose next visit arrived at most 90
	// days after the first departure day. By the first departure day. Not per
	// butler or team.
	RevisitRate90d *Figure `json:"revisit_rate_90d"`
	// RevisitRate180d: as RevisitRate90d, within 180 days.
	RevisitRate180d *Figure `json:"revisit_rate_180d"`
	// RevisitRate365d: as RevisitRate90d, within 365 days.
	RevisitRate365d *Figure `json:"revisit_rate_365d"`
	// MedianRevisitIntervalDays: Value is the median, in days, of next
	// arrival day − previous departure day over the intervals whose next
	// visit arrived in the period (and had ended by the end of To);
	// Denominator is the number of intervals, Numerator 0 (a median has
	// none). By the next arrival day. Not per butler or team.
	MedianRevisitIntervalDays *Figure `json:"median_revisit_interval_days"`
	// CSAT: the mean overall score (1–5) of the forms submitted in the
	// period: Numerator the sum of scores, Denominator the forms. By the
	// submitted day.
	CSAT *Figure `json:"csat"`
	// Top2Box: forms with overall 4 or 5, over the forms submitted in the period.
	Top2Box *Figure `json:"top2_box"`
	// NPS: promoters (9–10) − detractors (0–6), over the forms submitted in
	// the period with a recommendation score; Value in points, −100 to 100.
	NPS *Figure `json:"nps"`
	// ComplaintRate: forms submitted in the period marked as a complaint, per
	// 100 stays that departed in the period (Value = 100 · n / d).
	ComplaintRate *Figure `json:"complaint_rate"`
	// ComplaintResolutionHours: over the recovery cases opened in the period
	// and resolved since, Value is the median hours from opened to resolved;
	// Denominator the resolved cases, Numerator 0. By the opened day; not per
	// outlet.
	ComplaintResolutionHours *Figure `json:"complaint_resolution_hours"`
	// OpenComplaints: recovery cases opened in the period and not resolved
	// now, over the cases opened in the period. Not per outlet.
	OpenComplaints *Figure `json:"open_complaints"`
	// CallbackSLA: callback tasks closed (any closing code, unreachable
	// included) within 24 h of departure, over the tasks due in the period;
	// by the due day. As SLA's closed_within_24h; not per outlet.
	CallbackSLA *Figure `json:"callback_sla"`
	// ReachRate: tasks due in the period closed as reached, over those closed.
	ReachRate *Figure `json:"reach_rate"`
	// AttemptsPerTask: call attempts on the tasks due in the period, over those tasks.
	AttemptsPerTask *Figure `json:"attempts_per_task"`
	// RecoveryRate: recovery cases of the tasks due in the period resolved as
	// recovered, over those resolved.
	RecoveryRate *Figure `json:"recovery_rate"`
}

// KPIGroup is one group's figures: a day, week, month, outlet, team or
// butler. It carries the facts a label for people is made of (package
// reports writes the labels); the warehouse names no group.
type KPIGroup struct {
	// Key is the group: "total", a day (2026-01-05), an ISO week
	// (2026-W02), a month (2026-01), an outlet kind, a team or a staff id as
	// stored; "" for the facts without one (a stay without a butler).
	Key string `json:"key"`
	// FirstDay and LastDay (YYYY-MM-DD) are a day's, week's or month's first
	// and last day inside the period; "" for the other groupings.
	FirstDay string `json:"first_day,omitempty"`
	LastDay  string `json:"last_day,omitempty"`
	// StaffName is a butler's name on the roster (its latest row), for the
	// butler grouping; "" for a staff id the roster does not name.
	StaffName string `json:"staff_name,omitempty"`
	KPIs      KPIs   `json:"kpis"`
}

// KPIBacktest is how well a targeting model predicted a holdout, from the
// latest analysis on or before the report's To day.
type KPIBacktest struct {
	AsOf           string   `json:"as_of"`
	Model          string   `json:"model"`
	HoldoutDays    int      `json:"holdout_days"`
	Guests         int64    `json:"guests"`
	MAE            *float64 `json:"mae"`
	Correlation    *float64 `json:"correlation"`
	PredictedTotal float64  `json:"predicted_total"`
	ActualTotal    float64  `json:"actual_total"`
	TopDecileLift  *float64 `json:"top_decile_lift"`
	Selected       bool     `json:"selected"`
}

// KPIReport is the answer to a KPIQuery.
type KPIReport struct {
	From     string `json:"from"` // YYYY-MM-DD, included
	To       string `json:"to"`   // YYYY-MM-DD, included
	Property string `json:"property"`
	GroupBy  string `json:"group_by"`
	// RevisitCutoff is the last day a revisit window may close on to count:
	// To, or the day before Now when that is earlier.
	RevisitCutoff string     `json:"revisit_cutoff"`
	Total         KPIGroup   `json:"total"`
	Groups        []KPIGroup `json:"groups"` // in key order; calendar groups include empty ones; [] without a grouping
	// Backtest is the targeting models' backtests of the latest analysis on
	// or before To (and never after today), one per model; nil when there
	// is none.
	Backtest []KPIBacktest `json:"backtest"`
}

// KPIs computes the report of q, all of it from one snapshot of the
// warehouse: one query per family of figures (stays, visits, feedback,
// recovery cases, callbacks), each grouped in SQL.
func (w *Warehouse) KPIs(ctx context.Context, q KPIQuery) (KPIReport, error) {
	p, err := w.kpiParamsOf(q)
	if err != nil {
		return KPIReport{}, fmt.Errorf("warehouse: kpis: %w", err)
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return KPIReport{}, fmt.Errorf("warehouse: kpis: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // it only read
	acc := newKPIAccumulator(q.GroupBy, p)
	for _, fam := range kpiFamilies {
		if err := fam.run(ctx, tx, q.GroupBy, p, acc); err != nil {
			return KPIReport{}, fmt.Errorf("warehouse: kpis: %s: %w", fam.name, err)
		}
	}
	var names map[string]string
	if q.GroupBy == "butler" {
		if names, err = staffNames(ctx, tx); err != nil {
			return KPIReport{}, fmt.Errorf("warehouse: kpis: %w", err)
		}
	}
	backtests, err := kpiBacktests(ctx, tx, p.analysedBy)
	if err != nil {
		return KPIReport{}, fmt.Errorf("warehouse: kpis: backtests: %w", err)
	}
	r := KPIReport{From: p.from, To: p.to, Property: q.Property, GroupBy: q.GroupBy, RevisitCutoff: p.cutoff,
		Total:    KPIGroup{Key: "total", KPIs: acc.total.kpis(allKPIFamilies)},
		Groups:   []KPIGroup{},
		Backtest: backtests}
	for _, key := range acc.keys() {
		g := KPIGroup{Key: key, StaffName: names[key], KPIs: acc.groups[key].kpis(kpiFamiliesOf(q.GroupBy, key))}
		if span, ok := acc.spans[key]; ok {
			g.FirstDay, g.LastDay = span[0].Format(time.DateOnly), span[1].Format(time.DateOnly)
		}
		r.Groups = append(r.Groups, g)
	}
	return r, nil
}

// kpiParams are a query's bounds as the SQL takes them.
type kpiParams struct {
	fromDay, toDay time.Time // civil dates, midnight UTC
	start, end     time.Time // the start of From and the end of To, in the hotel's zone
	from, to       string    // YYYY-MM-DD
	cutoff         string    // the last day a revisit window may close on
	analysedBy     string    // the day the backtests' analysis is on or before: To, but never after today
	property       string
}

func (w *Warehouse) kpiParamsOf(q KPIQuery) (kpiParams, error) {
	var p kpiParams
	switch {
	case q.From.IsZero() || q.To.IsZero():
		return p, fmt.Errorf("%w: both the first and the last day must be given", ErrBadKPIQuery)
	case q.GroupBy != "" && !slices.Contains(KPIGroupings, q.GroupBy):
		return p, fmt.Errorf("%w: unknown grouping %q (want one of %v, or none)", ErrBadKPIQuery, q.GroupBy, KPIGroupings)
	}
	p.fromDay, p.toDay = kpiDay(q.From), kpiDay(q.To)
	p.from, p.to = p.fromDay.Format(time.DateOnly), p.toDay.Format(time.DateOnly)
	switch {
	case p.toDay.Before(p.fromDay):
		return p, fmt.Errorf("%w: the first day %s is after the last day %s", ErrBadKPIQuery, p.from, p.to)
	case !p.toDay.Before(p.fromDay.AddDate(kpiMaxYears, 0, 0)):
		return p, fmt.Errorf("%w: %s to %s is longer than %d years", ErrBadKPIQuery, p.from, p.to, kpiMaxYears)
	}
	loc := w.loc
	y, m, d := p.fromDay.Date()
	p.start = time.Date(y, m, d, 0, 0, 0, 0, loc)
	y, m, d = p.toDay.Date()
	p.end = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	today := kpiDay(now.In(loc))
	p.analysedBy = p.to
	if p.toDay.After(today) { // an analysis dated in the future is never served
		p.analysedBy = today.Format(time.DateOnly)
	}
	// A window closing today is still open: the guest may come tonight.
	cutoff := today.AddDate(0, 0, -1)
	if p.toDay.Before(cutoff) {
		cutoff = p.toDay
	}
	p.cutoff = cutoff.Format(time.DateOnly)
	p.property = q.Property
	return p, nil
}

// kpiDay is t's calendar date as written (in t's own location), at midnight UTC.
func kpiDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
