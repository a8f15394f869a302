package reports

import (
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/clv"
	"github.com/revisit-hotel/revisit/warehouse"
)

// TestSelectModelNeverUsesAFitTheDataDoNotIdentify walks the order of the
// rule: the backtest's choice, last night's model, BG/NBD, MBG/NBD — the
// first whose fit tonight is identified and not declined — else the
// guests' own rhythm, saying why.
func TestSelectModelNeverUsesAFitTheDataDoNotIdentify(t *testing.T) {
	good := func(name string) *repeatFit {
		return &repeatFit{name: name, fitted: fitted{res: clv.FitResult{Converged: true, Identified: true, Why: "all parameters estimated to within 30 %"}}}
	}
	loose := func(name string) *repeatFit {
		return &repeatFit{name: name, fitted: fitted{res: clv.FitResult{Converged: true, Why: "b ran to 0.0006 with standard error 40×: the data cannot tell when guests drop out"}}}
	}
	declinedFit := func(name string) *repeatFit {
		f := good(name)
		f.declined = "clv: fit MBG/NBD: fit not identified: b ran to 1e+06"
		return f
	}
	for _, tc := range []struct {
		name     string
		bg, mbg  *repeatFit
		backtest string
		prior    string
		want     string
		message  []string
	}{
		{"the backtest's choice", good(modelBGNBD), good(modelMBGNBD), modelMBGNBD, modelBGNBD, modelMBGNBD, nil},
		{"its fit tonight is loose: last night's model", good(modelBGNBD), loose(modelMBGNBD), modelMBGNBD, modelBGNBD, modelBGNBD,
			[]string{"MBG/NBD not used: b ran to 0.0006", "targets use BG/NBD"}},
		{"no backtest: last night's model", good(modelBGNBD), good(modelMBGNBD), modelRhythm, modelMBGNBD, modelMBGNBD, nil},
		{"declined by the backtest", good(modelBGNBD), declinedFit(modelMBGNBD), modelMBGNBD, "", modelBGNBD,
			[]string{"declined by the backtest: clv: fit MBG/NBD: fit not identified"}},
		{"neither identified: the rhythm", loose(modelBGNBD), loose(modelMBGNBD), modelBGNBD, modelBGNBD, modelRhythm,
			[]string{"own rhythm", "BG/NBD not used: b ran", "MBG/NBD not used: b ran"}},
		{"a failed fit", &repeatFit{name: modelBGNBD, fitted: fitted{err: clv.ErrTooLittleData}}, good(modelMBGNBD), modelBGNBD, "", modelMBGNBD,
			[]string{"BG/NBD not used: too little data"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fits := map[string]*repeatFit{modelBGNBD: tc.bg, modelMBGNBD: tc.mbg}
			got, msg := selectModel(fits, BacktestReport{Selected: tc.backtest}, nil, priorNight{model: tc.prior})
			if got != tc.want {
				t.Errorf("chose %s, want %s (%s)", got, tc.want, msg)
			}
			if len(tc.message) == 0 && msg != "" {
				t.Errorf("message %q, want none", msg)
			}
			for _, m := range tc.message {
				if !strings.Contains(msg, m) {
					t.Errorf("message %q lacks %q", msg, m)
				}
			}
		})
	}
}

// TestUnidentifiedSpendFitIsNotUsed: a Gamma-Gamma fit the data do not pin
// down gives way to the guest's own mean spend per visit.
func TestUnidentifiedSpendFitIsNotUsed(t *testing.T) {
	s := &warehouse.GuestSummary{Visits: 3, TotalSpendCents: 90_000, RepeatSpendCents: 60_000,
		FirstArrival: civil("2026-01-01"), LastArrival: civil("2026-06-01")}
	opt := Options{AsOf: civil("2026-11-26"), Loc: shanghai}.withDefaults()
	shrunk := func(x, mean float64) (float64, error) { return 12_345, nil }
	for _, tc := range []struct {
		identified bool
		want       float64
	}{{true, 12_345}, {false, 30_000}} {
		spend := &spendFit{fitted: fitted{res: clv.FitResult{Converged: true, Identified: tc.identified}}, expectedSpend: shrunk}
		m, err := guestMetric(s, customerOf(s, opt.AsOf), nil, spend, opt)
		if err != nil {
			t.Fatalf("identified %v: %v", tc.identified, err)
		}
		if m.ExpectedSpendCents == nil || *m.ExpectedSpendCents != tc.want {
			t.Errorf("identified %v: expected spend %v, want %v", tc.identified, m.ExpectedSpendCents, tc.want)
		}
	}
}
