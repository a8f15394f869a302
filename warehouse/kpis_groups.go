package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// How KPI counts are gathered per group and turned into figures.

// kpiCounts are a group's raw counts, one part per family of figures.
type kpiCounts struct {
	stays    kpiStayCounts
	rooms    kpiRoomCounts
	visits   kpiVisitCounts
	feedback kpiFeedbackCounts
	cases    kpiCaseCounts
	calls    kpiCallCounts
}

type kpiStayCounts struct{ stays int64 }

type kpiRoomCounts struct{ nights, revenueCents int64 }

type kpiVisitCounts struct {
	guests, repeatGuests int64
	cohort, returned     [3]int64 // per revisit window: 90, 180, 365 days
	intervals            int64
	medianInterval       sql.NullFloat64
}

type kpiFeedbackCounts struct {
	forms, overallSum, top2, npsForms, promoters, detractors, complaints int64
}

type kpiCaseCounts struct {
	opened, open, resolved int64
	medianHours            sql.NullFloat64
}

type kpiCallCounts struct {
	due, within24h, closed, reached, attempts, recovered, resolvedCases int64
}

// kpiFamilySet says which families of figures apply to a grouping.
type kpiFamilySet uint8

const (
	famStays kpiFamilySet = 1 << iota
	famVisits
	famFeedback
	famCases
	famCalls
	famRooms
	allKPIFamilies = famStays | famVisits | famFeedback | famCases | famCalls | famRooms
)

func kpiFamiliesFor(groupBy string) kpiFamilySet {
	switch groupBy {
	case "outlet":
		return famStays | famVisits | famFeedback | famRooms
	case "butler", "team":
		return famStays | famFeedback | famCases | famCalls | famRooms
	}
	return allKPIFamilies
}

// kpiFamiliesOf are the families that apply to one group: room nights are
// sold by the rooms outlet only, so a restaurant's are null, not 0.
func kpiFamiliesOf(groupBy, key string) kpiFamilySet {
	fams := kpiFamiliesFor(groupBy)
	if groupBy == "outlet" && key != "room" {
		fams &^= famRooms
	}
	return fams
}

func (c *kpiCounts) kpis(fams kpiFamilySet) KPIs {
	var k KPIs
	if fams&famStays != 0 {
		k.Stays = countOf(c.stays.stays)
	}
	if fams&famRooms != 0 {
		r := &c.rooms
		k.RoomNights = countOf(r.nights)
		k.RoomRevenue = revenueFigure(r.revenueCents)
		k.ADR = rateFigure(r.revenueCents, r.nights)
	}
	if fams&famVisits != 0 {
		v := &c.visits
		k.Guests = countOf(v.guests)
		k.RepeatGuestRate = ratioFigure(v.repeatGuests, v.guests)
		k.RevisitRate90d = ratioFigure(v.returned[0], v.cohort[0])
		k.RevisitRate180d = ratioFigure(v.returned[1], v.cohort[1])
		k.RevisitRate365d = ratioFigure(v.returned[2], v.cohort[2])
		k.MedianRevisitIntervalDays = medianFigure(v.medianInterval, v.intervals)
	}
	if fams&famFeedback != 0 {
		f := &c.feedback
		k.CSAT = ratioFigure(f.overallSum, f.forms)
		k.Top2Box = ratioFigure(f.top2, f.forms)
		k.NPS = scaledFigure(f.promoters-f.detractors, f.npsForms, 100)
	}
	if fams&famStays != 0 && fams&famFeedback != 0 {
		k.ComplaintRate = scaledFigure(c.feedback.complaints, c.stays.stays, 100)
	}
	if fams&famCases != 0 {
		k.ComplaintResolutionHours = medianFigure(c.cases.medianHours, c.cases.resolved)
		k.OpenComplaints = ratioFigure(c.cases.open, c.cases.opened)
	}
	if fams&famCalls != 0 {
		b := &c.calls
		k.CallbackSLA = ratioFigure(b.within24h, b.due)
		k.ReachRate = ratioFigure(b.reached, b.closed)
		k.AttemptsPerTask = ratioFigure(b.attempts, b.due)
		k.RecoveryRate = ratioFigure(b.recovered, b.resolvedCases)
	}
	return k
}

func ratioFigure(num, den int64) *Figure {
	f := figure(num, den)
	return &f
}

func countOf(n int64) *Figure {
	f := countFigure(n)
	return &f
}

// scaledFigure is a figure whose value is by · num / den (per cent, per 100
// stays); null without a denominator.
func scaledFigure(num, den int64, by float64) *Figure {
	f := Figure{Numerator: num, Denominator: den}
	if den > 0 {
		v := by * float64(num) / float64(den)
		f.Value = &v
	}
	return &f
}

// revenueFigure is an amount of hundredths (fen) in the currency:
// cents / 100, so that it still reads as Numerator / Denominator.
func revenueFigure(cents int64) *Figure {
	v := float64(cents) / 100
	return &Figure{Numerator: cents, Denominator: 100, Value: &v}
}

// rateFigure is an amount of hundredths per night, in the currency:
// cents / (100 · nights), one correctly rounded division; null without a night.
func rateFigure(cents, nights int64) *Figure {
	f := Figure{Numerator: cents, Denominator: nights}
	if nights > 0 {
		v := float64(cents) / (100 * float64(nights))
		f.Value = &v
	}
	return &f
}

// medianFigure is a median over a sample of n; null for an empty sample.
func medianFigure(m sql.NullFloat64, n int64) *Figure {
	f := Figure{Denominator: n}
	if m.Valid && n > 0 {
		v := m.Float64
		f.Value = &v
	}
	return &f
}

// kpiAccumulator collects each family's rows into the total and the groups.
type kpiAccumulator struct {
	total  kpiCounts
	groups map[string]*kpiCounts
	spans  map[string][2]time.Time // calendar groups: the first and last day inside the period
}

func newKPIAccumulator(groupBy string, p kpiParams) *kpiAccumulator {
	a := &kpiAccumulator{groups: map[string]*kpiCounts{}, spans: map[string][2]time.Time{}}
	if groupBy == "day" || groupBy == "week" || groupBy == "month" {
		// Every day, week and month of the period is a group, empty or not:
		// a chart shows a quiet day as zero, not as a gap.
		for d := p.fromDay; !d.After(p.toDay); d = d.AddDate(0, 0, 1) {
			key := calendarKey(groupBy, d)
			s, ok := a.spans[key]
			if !ok {
				s[0] = d
				a.groups[key] = &kpiCounts{}
			}
			s[1] = d
			a.spans[key] = s
		}
	}
	return a
}

// calendarKey is d's key in a calendar grouping; kpiKeys computes the same in SQL.
func calendarKey(groupBy string, d time.Time) string {
	switch groupBy {
	case "week":
		y, w := d.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case "month":
		return d.Format("2006-01")
	}
	return d.Format(time.DateOnly)
}

func (a *kpiAccumulator) at(total bool, key string) *kpiCounts {
	if total {
		return &a.total
	}
	c, ok := a.groups[key]
	if !ok {
		c = &kpiCounts{}
		a.groups[key] = c
	}
	return c
}

func (a *kpiAccumulator) keys() []string {
	keys := make([]string, 0, len(a.groups))
	for k := range a.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func kpiBacktests(ctx context.Context, tx *sql.Tx, to string) ([]KPIBacktest, error) {
	rows, err := tx.QueryContext(ctx, `SELECT strftime(as_of, '%Y-%m-%d'), model, holdout_days, guests, mae, correlation,
			predicted_total, actual_total, top_decile_lift, selected
		FROM backtests WHERE as_of = (SELECT max(as_of) FROM analysis_runs WHERE as_of <= CAST($1 AS DATE))
		ORDER BY model`, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []KPIBacktest
	for rows.Next() {
		var b KPIBacktest
		var mae, corr, lift sql.NullFloat64
		if err := rows.Scan(&b.AsOf, &b.Model, &b.HoldoutDays, &b.Guests, &mae, &corr,
			&b.PredictedTotal, &b.ActualTotal, &lift, &b.Selected); err != nil {
			return nil, err
		}
		b.MAE, b.Correlation, b.TopDecileLift = nullFloat(mae), nullFloat(corr), nullFloat(lift)
		out = append(out, b)
	}
	return out, rows.Err()
}
