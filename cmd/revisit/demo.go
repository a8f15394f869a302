package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"revisit/reports"
	"revisit/synth"
	"revisit/warehouse"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	var s synthFlags
	var dir string
	fs := newFlagSet(e, "demo", "demo [--dir DIR] [--guests N]",
		`Generates a hotel into DIR/exports, ingests it into DIR/revisit.duckdb and
shows what was loaded and rejected. Each run starts afresh: the demo's own
exports folder and warehouse in DIR are replaced.`)
	fs.StringVar(&dir, "dir", "revisit-demo", "folder for the demo's files and warehouse")
	addSynthFlags(fs, e, &s, 3000)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := s.synthConfig(filepath.Join(dir, "exports"))
	if err != nil {
		return err
	}
	db := filepath.Join(dir, "revisit.duckdb")
	for _, p := range []string{cfg.OutDir, db, db + ".wal", db + ".key"} {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return err
	}
	sum, err := synth.Generate(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "generated %d export files in %s (%d people, %d stays, %d forms)\n\n",
		len(sum.Files), cfg.OutDir, sum.People, sum.Stays, sum.Feedback)
	c := config{DB: db, TZ: s.tz, RejectThreshold: 0.20, MemoryLimit: "2GB", Property: "丽都国际酒店"}
	results, err := ingestPaths(ctx, e, &c, []string{cfg.OutDir})
	if err != nil {
		return err
	}
	total := summarise(results)
	fmt.Fprintf(e.stdout, "ingested %d files: %d rows loaded, %d rejected, %d warnings\n\n", len(results), total.Loaded, total.Rejected, total.Warnings)
	var st warehouse.Stats
	if err := c.withWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		st, err = w.Stats(ctx)
		return err
	}); err != nil {
		return err
	}
	printStats(e.stdout, st)
	fmt.Fprintln(e.stdout)

	loc, _ := c.location()
	return c.withWarehouse(ctx, func(w *warehouse.Warehouse) error {
		res, err := reports.Analyze(ctx, w, reports.Options{AsOf: cfg.End, Loc: loc})
		if err != nil {
			return err
		}
		printAnalysis(e.stdout, res)
		if err := printTopTargets(ctx, e.stdout, w, cfg.End, 3); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\nThe warehouse is %s. Try:\n  revisit export targets --db %s --format xlsx\n  revisit stats --db %s\n", c.DB, c.DB, c.DB)
		return nil
	})
}

// errEnough stops a row stream once enough was read.
var errEnough = errors.New("enough")

// printTopTargets prints the first n targets of each list with their reasons.
func printTopTargets(ctx context.Context, out io.Writer, w *warehouse.Warehouse, asOf time.Time, n int) error {
	shown := map[string]int{}
	day := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	err := w.TargetRows(ctx, day, func(t *warehouse.TargetRow) error {
		if shown[t.Kind] >= n {
			if shown["due"] >= n && shown["winback"] >= n {
				return errEnough
			}
			return nil
		}
		if shown[t.Kind] == 0 {
			fmt.Fprintf(out, "\ntop %s targets:\n", t.Kind)
		}
		shown[t.Kind]++
		fmt.Fprintf(out, "  %s %s%s → %s\n    %s\n    %s\n", t.GuestID, t.Name, t.Title, t.ButlerID, t.ReasonZH, t.ReasonEN)
		return nil
	})
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}
