package reports

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/clv"
	"github.com/revisit-hotel/revisit/warehouse"
)

// repeatFitOf wraps a fitted model as analyze does after fitRepeat.
func repeatFitOf(name string, m clv.TransactionModel) *repeatFit {
	return &repeatFit{
		name:     name,
		pAlive:   func(c customer) (float64, error) { return m.PAlive(c.clv()) },
		expected: func(c customer, t float64) (float64, error) { return m.ExpectedTransactions(c.clv(), t) },
	}
}

// TestGuestMetricSparseHotel is the case of issue 11: on the MBG/NBD fit of
// a sparse real hotel a one-visit guest seen 268 days ago got 0.000402
// expected visits in 90 days but 0 in 365. Now the year has more than the
// quarter, and the numbers are right.
func TestGuestMetricSparseHotel(t *testing.T) {
	model := repeatFitOf(modelMBGNBD, clv.MBGNBD{R: 0.0015513, Alpha: 61.4397, A: 47246.54, B: 1006897.6})
	first := civil("2025-01-05")
	s := &warehouse.GuestSummary{GuestID: "G000123", Visits: 1, FirstArrival: first, LastArrival: first, LastDeparture: first.AddDate(0, 0, 2)}
	opt := Options{AsOf: first.AddDate(0, 0, 268)}.withDefaults()
	m, err := guestMetric(s, customer{x: 0, tx: 0, t: 268}, model, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if m.ExpectedVisits90 == nil || m.ExpectedVisits365 == nil || m.PAlive == nil {
		t.Fatalf("missing predictions: %+v", m)
	}
	e90, e365 := *m.ExpectedVisits90, *m.ExpectedVisits365
	if math.Abs(e90-0.000402) > 5e-7 || math.Abs(e365-0.001602) > 5e-7 || !(e365 > e90) {
		t.Errorf("expected visits in 90 days %.6g, in 365 days %.6g; want 0.000402 and 0.001602", e90, e365)
	}
}

// TestGuestMetricFailsWithTheGuest: a prediction the model cannot make is
// an error naming the guest, the model and the customer — the analysis
// stops there instead of storing a null.
func TestGuestMetricFailsWithTheGuest(t *testing.T) {
	broken := repeatFitOf(modelMBGNBD, clv.MBGNBD{R: 0.5, Alpha: 30, A: math.NaN(), B: 2})
	first := civil("2025-01-05")
	s := &warehouse.GuestSummary{GuestID: "G000123", Visits: 1, FirstArrival: first, LastArrival: first, LastDeparture: first}
	_, err := guestMetric(s, customer{t: 268}, broken, nil, Options{AsOf: first.AddDate(0, 0, 268)}.withDefaults())
	if !errors.Is(err, clv.ErrInvalidData) {
		t.Fatalf("error %v, want one wrapping clv.ErrInvalidData", err)
	}
	for _, want := range []string{"reports: guest G000123: ", "MBG/NBD", "x=0 t_x=0 T=268"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
