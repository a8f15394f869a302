package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// analyzeFlags are the rules of an analysis, shared by analyze and export.
type analyzeFlags struct {
	asOf      string
	holdout   int
	dueWindow int
	contacted int
	pAlive    float64
	overdue   float64
	discount  float64
	model     string
}

func addAnalyzeFlags(fs *flag.FlagSet, a *analyzeFlags) {
	fs.StringVar(&a.asOf, "as-of", "", "the hotel-local day to analyse, YYYY-MM-DD (default: yesterday)")
	fs.IntVar(&a.holdout, "holdout-days", 180, "days held out to backtest the models")
	fs.IntVar(&a.dueWindow, "due-days", 14, "a guest is due when expected back within this many days")
	fs.IntVar(&a.contacted, "contact-days", 30, "leave out guests contacted, or who complained, within this many days")
	fs.Float64Var(&a.pAlive, "palive-threshold", 0.5, "win back valuable guests whose P(alive) is below this")
	fs.Float64Var(&a.overdue, "overdue-factor", 1.5, "or whose time since the last visit passed this many typical intervals")
	fs.Float64Var(&a.discount, "discount", 0.10, "annual discount rate of the 365-day value")
	fs.StringVar(&a.model, "model", reports.ModelAuto, "repeat-visit model: auto (chosen by the backtest), bgnbd or mbgnbd (an error when it cannot be fitted)")
}

func (a *analyzeFlags) options(loc *time.Location) (reports.Options, error) {
	opt := reports.Options{Loc: loc, HoldoutDays: a.holdout, DueWindowDays: a.dueWindow, ContactWindowDays: a.contacted,
		PAliveThreshold: a.pAlive, OverdueFactor: a.overdue, AnnualDiscount: a.discount, Model: a.model}
	if a.asOf != "" {
		d, err := time.ParseInLocation(time.DateOnly, a.asOf, loc)
		if err != nil {
			return opt, exitError{code: exitUsage, msg: "--as-of must be a date like 2026-11-26"}
		}
		opt.AsOf = d
	}
	if a.model != reports.ModelAuto && a.model != "bgnbd" && a.model != "mbgnbd" {
		return opt, exitError{code: exitUsage, msg: "--model must be auto, bgnbd or mbgnbd"}
	}
	if a.holdout < 1 || a.dueWindow < 1 || a.contacted < 1 || a.pAlive <= 0 || a.pAlive >= 1 || a.overdue <= 0 || a.discount < 0 {
		return opt, exitError{code: exitUsage, msg: "the day counts must be positive, --palive-threshold between 0 and 1, the factors positive"}
	}
	return opt, nil
}

func runAnalyze(ctx context.Context, e *env, args []string) error {
	var c config
	var a analyzeFlags
	var asJSON bool
	fs := newFlagSet(e, "analyze", "analyze [--db PATH] [--as-of YYYY-MM-DD] [--model auto|bgnbd|mbgnbd] [--json]",
		`Computes, as of the end of a hotel-local day and from data up to then only:
each guest's visits, rhythm, RFM segment and lifetime-model outputs
(BG/NBD or MBG/NBD, chosen by a holdout backtest, and Gamma-Gamma spend);
the backtest itself; and the revisit targets — guests due back soon and
valuable guests slipping away — with reasons in Chinese and English.
Re-running a date replaces its results.`)
	warehouseFlags(fs, e, &c)
	addAnalyzeFlags(fs, &a)
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	opt, err := a.options(loc)
	if err != nil {
		return err
	}
	var res *reports.Result
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		res, err = reports.Analyze(ctx, w, opt)
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e, res)
	}
	printAnalysis(e.stdout, res)
	return nil
}

// printAnalysis writes an analysis for people.
func printAnalysis(w io.Writer, res *reports.Result) {
	fmt.Fprintf(w, "as of %s: %d guests, %d visits\n", res.AsOf, res.Guests, res.Visits)
	for _, m := range res.Models {
		fmt.Fprintf(w, "  %s\n", describeModel(m))
	}
	fmt.Fprintf(w, "selected model: %s (%s)\n", res.SelectedModel, res.Backtest.Reason)
	for _, m := range res.Backtest.Models {
		if m.Error != "" {
			fmt.Fprintf(w, "  backtest %-7s failed: %s\n", m.Model, m.Error)
			continue
		}
		fmt.Fprintf(w, "  backtest %-7s %d days held out: MAE %.3f, correlation %.2f, predicted %.0f vs actual %.0f visits, top decile finds %.0f%% of returners\n",
			m.Model, res.Backtest.HoldoutDays, m.MAE, m.Correlation, m.PredictedTotal, m.ActualTotal, 100*m.TopDecileLift)
	}
	fmt.Fprintf(w, "targets: %d due, %d win-back\n", res.Targets.Due, res.Targets.Winback)
	if res.Message != "" {
		fmt.Fprintln(w, res.Message)
	}
}

// describeModel prints a fitted model's parameters on one line.
func describeModel(m map[string]any) string {
	if err, ok := m["error"]; ok {
		return fmt.Sprintf("%-11v not fitted: %v", m["name"], err)
	}
	keys := []string{"r", "alpha", "a", "b"}
	if m["name"] == "gamma_gamma" {
		keys = []string{"p", "q", "gamma"}
	}
	out := fmt.Sprintf("%-11v", m["name"])
	for _, k := range keys {
		out += fmt.Sprintf(" %s=%.4g", k, m[k])
	}
	out += fmt.Sprintf(" LL=%.1f", m["log_likelihood"])
	if p, ok := m["penalty"].(float64); ok && p > 0 {
		out += fmt.Sprintf(" penalty=%g", p)
	}
	if id, _ := m["identified"].(bool); id {
		return out + fmt.Sprintf("; identified: %v", m["why"])
	}
	return out + fmt.Sprintf("; NOT identified, not used: %v", m["why"])
}
