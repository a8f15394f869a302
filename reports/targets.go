package reports

import (
	"math"
	"sort"

	"github.com/revisit-hotel/revisit/warehouse"
)

// The two kinds of target.
const (
	kindDue     = "due"     // expected back within the due window
	kindWinback = "winback" // valuable and slipping away
)

// selectTargets builds the day's lists. Never on a list: guests without
// marketing consent, do-not-contact guests, guests with a complaint or a
// marketing contact within the contact window, guests with an open callback
// or service-recovery case.
//
// Priority is the value of getting the guest back: expected spend per visit
// (yuan) × the chance they are still a guest (P(alive), or 1 without a
// model) × (1 + ln visits), so loyal, big-spending, live guests come first.
func selectTargets(guests []warehouse.GuestSummary, metrics []warehouse.GuestMetric, opt Options) []warehouse.Target {
	var out []warehouse.Target
	dueBy := opt.AsOf.AddDate(0, 0, opt.DueWindowDays)
	for i := range guests {
		s, m := &guests[i], &metrics[i]
		if !s.MarketingConsent || s.DoNotContact || s.RecentComplaint || s.RecentlyContacted || s.OpenCallback {
			continue
		}
		kind := ""
		overdue := 0
		switch {
		case m.ExpectedNext != nil && m.ExpectedNext.After(opt.AsOf) && !m.ExpectedNext.After(dueBy):
			kind = kindDue
		case slipping(s, m, opt):
			kind = kindWinback
			if m.DaysOverdue != nil && *m.DaysOverdue > 0 {
				overdue = *m.DaysOverdue
			}
		default:
			continue
		}
		p := 1.0
		if m.PAlive != nil {
			p = *m.PAlive
		}
		spend := float64(m.MeanSpendCents)
		if m.ExpectedSpendCents != nil {
			spend = *m.ExpectedSpendCents
		}
		priority := math.Round(spend/100*p*(1+math.Log(float64(m.Visits)))*100) / 100
		facts := reasonFacts{
			daysSinceLast: m.DaysSinceLast, intervalDays: m.MedianIntervalDays, overdueDays: overdue,
			anniversary: s.Anniversary, lastArrival: s.LastArrival, visits: m.Visits, pAlive: m.PAlive,
			vipLevel: s.VIPLevel, outlet: m.FavouriteOutlet,
		}
		if kind == kindDue {
			facts.dueDate = m.ExpectedNext
		}
		zh, en := reasons(facts)
		t := warehouse.Target{
			GuestID: s.GuestID, Kind: kind, Priority: priority, ButlerID: s.MainButler,
			FavouriteOutlet: m.FavouriteOutlet, Preferences: s.Preferences, ReasonZH: zh, ReasonEN: en,
		}
		if kind == kindDue {
			t.DueDate = m.ExpectedNext
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == kindDue
		}
		if out[i].Priority != out[j].Priority {
			return out[i].Priority > out[j].Priority
		}
		return out[i].GuestID < out[j].GuestID
	})
	return out
}

// slipping says whether a valuable guest is slipping away: P(alive) below
// the threshold, or more than OverdueFactor typical intervals since the last
// visit. Valuable: a repeat guest, or one in the top two spend quintiles.
func slipping(s *warehouse.GuestSummary, m *warehouse.GuestMetric, opt Options) bool {
	if s.Visits < 2 && s.MScore < 4 {
		return false
	}
	if m.PAlive != nil && *m.PAlive < opt.PAliveThreshold {
		return true
	}
	return m.MedianIntervalDays != nil && *m.MedianIntervalDays > 0 &&
		float64(m.DaysSinceLast) > opt.OverdueFactor**m.MedianIntervalDays
}
