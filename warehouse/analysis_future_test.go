package warehouse

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAnAnalysisDatedInTheFutureIsNeverServed: issue 13 row 3. A night run
// for 9999-12-31 left an analysis of that date in the file, and every
// default (targets, exports, the downloads page) served it from then on.
// Now the latest analysis and the analysed days offered stop at today,
// even with the future one still in the file; before any real analysis
// there is none to serve.
func TestAnAnalysisDatedInTheFutureIsNeverServed(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	addRun := func(day string) {
		t.Helper()
		if _, err := w.DB().ExecContext(ctx, `INSERT INTO analysis_runs VALUES (CAST(? AS DATE), now(), 1, 1, 'rhythm', '', '{}')`, day); err != nil {
			t.Fatal(err)
		}
	}
	addRun("9999-12-31")
	addRun("2026-11-23")
	if _, err := w.LatestAnalysis(ctx, today); !errors.Is(err, ErrNoAnalysis) {
		t.Errorf("only future analyses: %v, want ErrNoAnalysis", err)
	}
	addRun("2026-11-20")
	addRun("2026-11-22")
	got, err := w.LatestAnalysis(ctx, today)
	if err != nil || got.Format(time.DateOnly) != "2026-11-22" {
		t.Errorf("latest analysis %s (%v), want today's, 2026-11-22", got.Format(time.DateOnly), err)
	}
	days, err := w.AnalysedDays(ctx, today, 10)
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, d := range days {
		shown = append(shown, d.Format(time.DateOnly))
	}
	if len(shown) != 2 || shown[0] != "2026-11-22" || shown[1] != "2026-11-20" {
		t.Errorf("analysed days offered %v, want [2026-11-22 2026-11-20]", shown)
	}

	// The KPIs' backtests, even for a range that ends in 9999.
	for _, day := range []string{"2026-11-22", "9999-12-31"} {
		if _, err := w.DB().ExecContext(ctx, `INSERT INTO backtests VALUES (CAST(? AS DATE), 'bgnbd', 90, 10, 0.5, 0.5, 1, 1, 0.5, true)`, day); err != nil {
			t.Fatal(err)
		}
	}
	r, err := w.KPIs(ctx, KPIQuery{From: time.Date(9999, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		Now: time.Date(2026, 11, 22, 15, 0, 0, 0, shanghai)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Backtest) != 1 || r.Backtest[0].AsOf != "2026-11-22" {
		t.Errorf("the KPIs' backtests %+v, want the one of 2026-11-22", r.Backtest)
	}
}
