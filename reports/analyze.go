package reports

import (
	"context"
	"strings"

	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/revisit-hotel/revisit/clv"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Options are the rules of an analysis; zero values take the defaults.
type Options struct {
	AsOf              time.Time      // the hotel-local day analysed (default: yesterday)
	Loc               *time.Location // the hotel's zone (default Asia/Shanghai)
	HoldoutDays       int            // backtest holdout (default 180)
	DueWindowDays     int            // "due" means expected within this many days (default 14)
	ContactWindowDays int            // no one contacted, or who complained, this recently (default 30)
	PAliveThreshold   float64        // win-back below this P(alive) (default 0.5)
	OverdueFactor     float64        // or win-back when this many typical intervals have passed (default 1.5)
	AnnualDiscount    float64        // discount rate for the 365-day value (default 0.10)
	Now               func() time.Time
	// Model names the repeat-visit model the targets use: ModelAuto (or
	// empty) lets the backtest choose; "bgnbd" or "mbgnbd" uses that model,
	// and the analysis fails, naming why, when it cannot be fitted.
	Model string
	// Background runs the analysis beside a serving API: DuckDB on one
	// thread for its length (warehouse.InBackground), so answers stay quick
	// while it runs, a little slower itself.
	Background bool
}

func (o Options) withDefaults() Options {
	if o.Loc == nil {
		o.Loc = time.UTC // only tests of the pure steps get here: analyze sets the warehouse's zone first
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AsOf.IsZero() {
		o.AsOf = o.Now().In(o.Loc).AddDate(0, 0, -1)
	}
	y, m, d := o.AsOf.In(o.Loc).Date()
	o.AsOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // a civil date
	if o.HoldoutDays <= 0 {
		o.HoldoutDays = 180
	}
	if o.DueWindowDays <= 0 {
		o.DueWindowDays = 14
	}
	if o.ContactWindowDays <= 0 {
		o.ContactWindowDays = 30
	}
	if o.PAliveThreshold <= 0 {
		o.PAliveThreshold = 0.5
	}
	if o.OverdueFactor <= 0 {
		o.OverdueFactor = 1.5
	}
	if o.AnnualDiscount <= 0 {
		o.AnnualDiscount = 0.10
	}
	return o
}

// endOf is the end of civil day d in the hotel's zone.
func (o Options) endOf(d time.Time) time.Time {
	return warehouse.EndOfDay(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, o.Loc), o.Loc)
}

// Result is what `revisit analyze --json` prints.
type Result struct {
	AsOf          string           `json:"as_of"`
	Guests        int64            `json:"guests"`
	Visits        int64            `json:"visits"`
	Models        []map[string]any `json:"models"`
	SelectedModel string           `json:"selected_model"`
	Backtest      BacktestReport   `json:"backtest"`
	Targets       TargetCounts     `json:"targets"`
	Message       string           `json:"message"`
	TimingsMS     map[string]int64 `json:"timings_ms"`
}

// BacktestReport is the nightly holdout test of both repeat models.
type BacktestReport struct {
	HoldoutDays    int          `json:"holdout_days"`
	CalibrationEnd string       `json:"calibration_end"`
	Selected       string       `json:"selected"`
	Reason         string       `json:"reason"` // why that model, in a sentence
	Models         []ModelScore `json:"models"`
}

// ModelScore is one model's holdout score.
type ModelScore struct {
	Model          string  `json:"model"`
	Guests         int64   `json:"guests"`
	MAE            float64 `json:"mae"`
	RMSE           float64 `json:"rmse"`
	Correlation    float64 `json:"correlation"`
	PredictedTotal float64 `json:"predicted_total"`
	ActualTotal    float64 `json:"actual_total"`
	TopDecileLift  float64 `json:"top_decile_lift"`
	Error          string  `json:"error,omitempty"`
}

// TargetCounts counts the lists.
type TargetCounts struct {
	Due     int `json:"due"`
	Winback int `json:"winback"`
}

// Analyze computes everything for one as-of date and stores it, replacing an
// earlier run of the same date.
func Analyze(ctx context.Context, wh *warehouse.Warehouse, opt Options) (*Result, error) {
	if !opt.Background {
		return analyze(ctx, wh, opt)
	}
	var res *Result
	err := wh.InBackground(ctx, func() (err error) {
		res, err = analyze(ctx, wh, opt)
		return err
	})
	return res, err
}

func analyze(ctx context.Context, wh *warehouse.Warehouse, opt Options) (*Result, error) {
	if opt.Loc == nil {
		opt.Loc = wh.Location() // the hotel's zone, resolved once when the warehouse opened
	}
	opt = opt.withDefaults()
	if err := checkModelName(opt.Model); err != nil {
		return nil, err
	}
	sw := newLaps()
	res := &Result{AsOf: opt.AsOf.Format(time.DateOnly), TimingsMS: sw.laps}
	end := opt.endOf(opt.AsOf)
	windowStart := end.AddDate(0, 0, -opt.ContactWindowDays)

	guests, err := loadSummaries(ctx, wh, end, windowStart)
	if err != nil {
		return nil, err
	}
	for i := range guests {
		res.Guests++
		res.Visits += int64(guests[i].Visits)
	}
	sw.lap("summaries")

	prior, err := loadPrior(ctx, wh, opt.AsOf)
	if err != nil {
		return nil, err
	}
	bt, choice, err := backtest(ctx, wh, opt, prior)
	if err != nil {
		return nil, err
	}
	res.Backtest = bt
	res.SelectedModel = bt.Selected
	sw.lap("backtest")

	customers := make([]customer, len(guests))
	for i := range guests {
		customers[i] = customerOf(&guests[i], opt.AsOf)
	}
	fits := map[string]*repeatFit{}
	grouped := groupCustomers(customers)
	for _, name := range []string{modelBGNBD, modelMBGNBD} {
		fits[name] = fitTonight(name, grouped, choice, prior)
		res.Models = append(res.Models, fits[name].report())
	}
	spend := fitSpend(guests)
	res.Models = append(res.Models, spend.report())
	res.SelectedModel, res.Message = selectModel(fits, bt, choice, prior)
	selected := fits[res.SelectedModel] // nil for the rhythm
	if asked, err := requestedFit(opt.Model, fits); err != nil {
		return nil, err
	} else if asked != nil {
		res.SelectedModel, selected, res.Message = asked.name, asked, "model "+asked.name+" as requested"
	}
	sw.lap("fit")

	metrics := make([]warehouse.GuestMetric, len(guests))
	for i := range guests {
		if metrics[i], err = guestMetric(&guests[i], customers[i], selected, spend, opt); err != nil {
			return nil, err
		}
	}
	sw.lap("metrics")

	targets := selectTargets(guests, metrics, opt)
	for _, t := range targets {
		if t.Kind == kindDue {
			res.Targets.Due++
		} else {
			res.Targets.Winback++
		}
	}
	sw.lap("targets")

	run := &warehouse.AnalysisRun{
		AsOf: opt.AsOf, ComputedAt: opt.Now(), Guests: res.Guests, Visits: res.Visits,
		SelectedModel: res.SelectedModel, Message: res.Message, Metrics: metrics, Targets: targets,
	}
	for _, name := range []string{modelBGNBD, modelMBGNBD} {
		run.Fits = append(run.Fits, fits[name].modelFit())
	}
	run.Fits = append(run.Fits, spend.modelFit())
	for _, m := range bt.Models {
		run.Backtests = append(run.Backtests, warehouse.BacktestResult{
			Model: m.Model, HoldoutDays: bt.HoldoutDays, Guests: m.Guests, MAE: finite(m.MAE),
			Correlation: finite(m.Correlation), PredictedTotal: m.PredictedTotal, ActualTotal: m.ActualTotal,
			TopDecileLift: finite(m.TopDecileLift), Selected: m.Model == bt.Selected,
		})
	}
	timings, _ := json.Marshal(res.TimingsMS)
	run.TimingsJSON = string(timings)
	if err := wh.SaveAnalysis(ctx, run); err != nil {
		return nil, err
	}
	sw.lap("save")
	return res, nil
}

func loadSummaries(ctx context.Context, wh *warehouse.Warehouse, end, windowStart time.Time) ([]warehouse.GuestSummary, error) {
	var out []warehouse.GuestSummary
	err := wh.GuestSummaries(ctx, end, windowStart, func(s *warehouse.GuestSummary) error {
		out = append(out, *s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return out, nil
}

// backtest fits both repeat models as of D − holdout, predicts each guest's
// visits in the holdout, and compares with what happened.
// clv.ChooseModelFrom picks the model and each one's penalty: never a fit
// the data do not identify; last night's model unless the other predicts
// the holdout significantly better; with no last night, by holdout RMSE
// when the difference is significant, else by calibration likelihood. The
// choice is nil when neither model could be fitted.
func backtest(ctx context.Context, wh *warehouse.Warehouse, opt Options, prior priorNight) (BacktestReport, *clv.Choice, error) {
	calDay := opt.AsOf.AddDate(0, 0, -opt.HoldoutDays)
	rep := BacktestReport{HoldoutDays: opt.HoldoutDays, CalibrationEnd: calDay.Format(time.DateOnly), Selected: modelRhythm}
	var customers []clv.Customer
	var act []float64
	var ids []string
	err := wh.BacktestGuests(ctx, opt.endOf(calDay), opt.endOf(opt.AsOf), func(g *warehouse.BacktestGuest) error {
		s := warehouse.GuestSummary{Visits: g.Visits, FirstArrival: g.FirstArrival, LastArrival: g.LastArrival}
		customers = append(customers, customerOf(&s, calDay).clv())
		act = append(act, float64(g.HoldoutVisits))
		ids = append(ids, g.GuestID)
		return nil
	})
	if err != nil {
		return rep, nil, fmt.Errorf("reports: %w", err)
	}
	horizon := float64(opt.HoldoutDays)
	choice, err := clv.ChooseModelFrom(customers, act, horizon, clv.FitOptions{}, prior.clvPrior())
	if err != nil {
		rep.Reason = "the backtest could fit neither model on the calibration period"
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		for _, name := range []string{modelBGNBD, modelMBGNBD} {
			rep.Models = append(rep.Models, ModelScore{Model: name, Error: msg})
		}
		return rep, &choice, nil
	}
	tests := []struct {
		name  string
		test  clv.Backtest
		model clv.TransactionModel
	}{{modelBGNBD, choice.BGNBDTest, choice.BGNBD}, {modelMBGNBD, choice.MBGNBDTest, choice.MBGNBD}}
	for _, tc := range tests {
		ms := ModelScore{Model: tc.name}
		if tc.test.Err != nil {
			ms.Error = tc.test.Err.Error()
			rep.Models = append(rep.Models, ms)
			continue
		}
		pred := make([]float64, len(customers))
		for i, c := range customers {
			if pred[i], err = tc.model.ExpectedTransactions(c, horizon); err != nil {
				return rep, nil, fmt.Errorf("reports: backtest: guest %s: %w", ids[i], err)
			}
		}
		s := scoreHoldout(pred, act)
		ms.Guests, ms.MAE, ms.Correlation = s.Guests, s.MAE, s.Correlation
		ms.PredictedTotal, ms.ActualTotal, ms.TopDecileLift = s.PredictedTotal, s.ActualTotal, s.TopDecileLift
		ms.RMSE = tc.test.RMSE
		rep.Models = append(rep.Models, ms)
	}
	rep.Selected, rep.Reason = modelBGNBD, choice.Reason
	if choice.Best == clv.NameMBGNBD {
		rep.Selected = modelMBGNBD
	}
	return rep, &choice, nil
}

// customer is a guest's repeat-visit history in the models' terms, in days:
// x repeat visits, the last at tx days after the first, observed for t days.
type customer struct {
	x, tx, t float64
}

// customerOf measures a guest as of civil day asOf, in whole days between
// hotel-local dates as BTYD (dc.ElogToCbsCbt) and lifetimes
// (summary_data_from_transaction_data) count them: t_x = last visit's
// arrival date − first visit's arrival date, T = asOf − first visit's
// arrival date. A visit on the as-of day itself gives t_x = T. The first
// visit is the trial.
func customerOf(s *warehouse.GuestSummary, asOf time.Time) customer {
	first, last := s.FirstArrival, s.LastArrival
	return customer{
		x:  float64(s.Visits - 1),
		tx: days(last.Sub(first)),
		t:  days(asOf.Sub(first)),
	}
}

func days(d time.Duration) float64 { return math.Round(d.Hours()) / 24 }

// finite returns f, or nil when it is not a finite number.
func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// laps records how long each phase of an analysis took.
type laps struct {
	last time.Time
	laps map[string]int64
}

func newLaps() *laps { return &laps{last: time.Now(), laps: map[string]int64{}} }

func (l *laps) lap(name string) {
	now := time.Now()
	l.laps[name] = now.Sub(l.last).Milliseconds()
	l.last = now
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
