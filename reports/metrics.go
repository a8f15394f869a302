package reports

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/revisit-hotel/revisit/clv"
	"github.com/revisit-hotel/revisit/warehouse"
)

// guestMetric computes one guest's row of guest_metrics. model is nil when
// no lifetime model could be fitted. A prediction the model cannot make is
// an error naming the guest: it fails the analysis rather than leave a
// silent null.
func guestMetric(s *warehouse.GuestSummary, c customer, model *repeatFit, spend *spendFit, opt Options) (warehouse.GuestMetric, error) {
	m := warehouse.GuestMetric{
		GuestID:            s.GuestID,
		Visits:             s.Visits,
		FirstVisit:         s.FirstArrival,
		LastVisit:          s.LastDeparture,
		RecencyDays:        int(c.tx),
		AgeDays:            int(c.t),
		DaysSinceLast:      int(days(opt.AsOf.Sub(s.LastDeparture))),
		MedianIntervalDays: s.MedianGapDays,
		MeanIntervalDays:   s.MeanGapDays,
		Anniversary:        s.Anniversary,
		TotalSpendCents:    s.TotalSpendCents,
		MeanSpendCents:     s.TotalSpendCents / int64(max(1, s.Visits)),
		FavouriteOutlet:    s.FavouriteOutlet,
		MainButler:         s.MainButler,
		RScore:             s.RScore,
		FScore:             s.FScore,
		MScore:             s.MScore,
		Segment:            segmentOf(s.RScore, s.FScore).code,
	}
	if next := expectedNext(s, opt.AsOf); next != nil {
		m.ExpectedNext = next
		overdue := int(days(opt.AsOf.Sub(*next)))
		m.DaysOverdue = &overdue
	}
	if model != nil {
		pAlive, err := model.pAlive(c)
		if err != nil {
			return m, fmt.Errorf("reports: guest %s: %w", s.GuestID, err)
		}
		e90, err := model.expected(c, 90)
		if err != nil {
			return m, fmt.Errorf("reports: guest %s: %w", s.GuestID, err)
		}
		e365, err := model.expected(c, 365)
		if err != nil {
			return m, fmt.Errorf("reports: guest %s: %w", s.GuestID, err)
		}
		m.PAlive, m.ExpectedVisits90, m.ExpectedVisits365 = finite(pAlive), finite(e90), finite(e365)
	}
	perVisit := float64(m.MeanSpendCents)
	if spend != nil && spend.usable() { // else the guest's own mean: an unidentified fit is used for nothing
		x := float64(s.Visits - 1)
		mean := 0.0
		if x > 0 {
			mean = float64(s.RepeatSpendCents) / x
		}
		v, err := spend.expectedSpend(x, mean)
		switch {
		case errors.Is(err, clv.ErrNoMean):
			// The fitted spend distribution has no mean (q ≤ 1): the guest's
			// own mean, as for a fit the data do not identify.
		case err != nil:
			return m, fmt.Errorf("reports: guest %s: %w", s.GuestID, err)
		default:
			perVisit = v
		}
	}
	m.ExpectedSpendCents = finite(perVisit)
	if m.ExpectedVisits365 != nil && m.ExpectedSpendCents != nil {
		// Visits spread over the year, discounted at mid-year.
		v := *m.ExpectedVisits365 * perVisit / math.Sqrt(1+opt.AnnualDiscount)
		m.Value365Cents = finite(v)
	}
	return m, nil
}

// expectedNext is when the guest's own rhythm says they come back: the same
// date next year for anniversary guests, else the last departure plus their
// typical (median) interval. Guests with one visit have no rhythm yet.
func expectedNext(s *warehouse.GuestSummary, asOf time.Time) *time.Time {
	if s.Anniversary {
		next := s.LastArrival
		for !next.After(asOf) {
			next = next.AddDate(1, 0, 0)
		}
		return &next
	}
	if s.MedianGapDays == nil {
		return nil
	}
	next := s.LastDeparture.AddDate(0, 0, int(math.Round(*s.MedianGapDays)))
	return &next
}
