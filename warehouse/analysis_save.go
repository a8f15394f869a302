package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse/csvstage"
)

// GuestMetric is one row of guest_metrics: a guest as of a date.
type GuestMetric struct {
	GuestID            string
	Visits             int
	FirstVisit         time.Time // civil dates (midnight UTC)
	LastVisit          time.Time
	RecencyDays        int
	AgeDays            int
	DaysSinceLast      int
	MedianIntervalDays *float64
	MeanIntervalDays   *float64
	ExpectedNext       *time.Time
	DaysOverdue        *int
	Anniversary        bool
	TotalSpendCents    int64
	MeanSpendCents     int64
	FavouriteOutlet    string
	MainButler         string
	RScore, FScore     int
	MScore             int
	Segment            string
	PAlive             *float64
	ExpectedVisits90   *float64
	ExpectedVisits365  *float64
	ExpectedSpendCents *float64
	Value365Cents      *float64
}

// ModelFit is one fitted model of a run; Params is JSON.
type ModelFit struct {
	Name          string
	Params        string
	LogLikelihood *float64
	Converged     bool
	Message       string
}

// BacktestResult is one model's holdout test of a run.
type BacktestResult struct {
	Model          string
	HoldoutDays    int
	Guests         int64
	MAE            *float64
	Correlation    *float64
	PredictedTotal float64
	ActualTotal    float64
	TopDecileLift  *float64
	Selected       bool
}

// Target is one guest on a revisit list.
type Target struct {
	GuestID         string
	Kind            string // due | winback
	Priority        float64
	DueDate         *time.Time
	ButlerID        string
	FavouriteOutlet string
	Preferences     string
	ReasonZH        string
	ReasonEN        string
}

// AnalysisRun is everything one analysis computed for one as-of date.
type AnalysisRun struct {
	AsOf          time.Time // the hotel-local day, as a civil date
	ComputedAt    time.Time
	Guests        int64
	Visits        int64
	SelectedModel string
	Message       string
	TimingsJSON   string
	Metrics       []GuestMetric
	Fits          []ModelFit
	Backtests     []BacktestResult
	Targets       []Target
}

var analysisTables = []string{"analysis_runs", "model_fits", "backtests", "guest_metrics", "targets"}

// SaveAnalysis stores a run in one transaction, replacing an earlier run of
// the same date: re-running a night gives the same tables.
func (w *Warehouse) SaveAnalysis(ctx context.Context, run *AnalysisRun) error {
	if err := w.Write(ctx, func(conn *sql.Conn) error { return w.saveAnalysis(ctx, conn, run) }); err != nil {
		return fmt.Errorf("warehouse: save analysis: %w", err)
	}
	return nil
}

func (w *Warehouse) saveAnalysis(ctx context.Context, conn *sql.Conn, run *AnalysisRun) error {
	asOf := run.AsOf.Format(time.DateOnly)
	for _, t := range analysisTables {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+t+" WHERE as_of = CAST(? AS DATE)", asOf); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO analysis_runs VALUES (CAST(? AS DATE), ?, ?, ?, ?, ?, ?)`,
		asOf, run.ComputedAt, run.Guests, run.Visits, run.SelectedModel, run.Message, run.TimingsJSON); err != nil {
		return err
	}
	for _, f := range run.Fits {
		if _, err := conn.ExecContext(ctx, `INSERT INTO model_fits VALUES (CAST(? AS DATE), ?, ?, ?, ?, ?)`,
			asOf, f.Name, f.Params, f.LogLikelihood, f.Converged, f.Message); err != nil {
			return err
		}
	}
	for _, b := range run.Backtests {
		if _, err := conn.ExecContext(ctx, `INSERT INTO backtests VALUES (CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			asOf, b.Model, b.HoldoutDays, b.Guests, b.MAE, b.Correlation, b.PredictedTotal, b.ActualTotal, b.TopDecileLift, b.Selected); err != nil {
			return err
		}
	}
	day := func(c *csvstage.Row, t time.Time) { c.Date(&t) }
	err := w.stageAndInsert(ctx, conn, "guest_metrics", nil, len(run.Metrics), func(c *csvstage.Row, i int) {
		m := &run.Metrics[i]
		day(c, run.AsOf)
		c.Str(m.GuestID)
		c.Int(int64(m.Visits))
		day(c, m.FirstVisit)
		day(c, m.LastVisit)
		c.Int(int64(m.RecencyDays))
		c.Int(int64(m.AgeDays))
		c.Int(int64(m.DaysSinceLast))
		c.FloatPtr(m.MedianIntervalDays)
		c.FloatPtr(m.MeanIntervalDays)
		if m.ExpectedNext != nil {
			day(c, *m.ExpectedNext)
		} else {
			c.Null()
		}
		c.IntPtr(m.DaysOverdue)
		c.Bool(m.Anniversary)
		c.Int(m.TotalSpendCents)
		c.Int(m.MeanSpendCents)
		c.Str(m.FavouriteOutlet)
		c.Str(m.MainButler)
		c.Int(int64(m.RScore))
		c.Int(int64(m.FScore))
		c.Int(int64(m.MScore))
		c.Str(m.Segment)
		c.FloatPtr(m.PAlive)
		c.FloatPtr(m.ExpectedVisits90)
		c.FloatPtr(m.ExpectedVisits365)
		c.FloatPtr(m.ExpectedSpendCents)
		c.FloatPtr(m.Value365Cents)
	})
	if err != nil {
		return err
	}
	return w.stageAndInsert(ctx, conn, "targets", nil, len(run.Targets), func(c *csvstage.Row, i int) {
		t := &run.Targets[i]
		day(c, run.AsOf)
		c.Str(t.GuestID)
		c.Str(t.Kind)
		c.Float(t.Priority)
		if t.DueDate != nil {
			day(c, *t.DueDate)
		} else {
			c.Null()
		}
		c.Str(t.ButlerID)
		c.Str(t.FavouriteOutlet)
		c.Str(t.Preferences)
		c.Str(t.ReasonZH)
		c.Str(t.ReasonEN)
	})
}
