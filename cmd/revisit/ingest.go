package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// ingestSummary is the JSON contract of `revisit ingest --json`.
type ingestSummary struct {
	Files    []load.FileResult `json:"files"`
	Loaded   int64             `json:"loaded"`
	Rejected int64             `json:"rejected"`
	Warnings int64             `json:"warnings"`
}

func runIngest(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	fs := newFlagSet(e, "ingest", "ingest [--db PATH] [--json] PATH...",
		`Loads hotel export files (CSV in UTF-8, GB18030 or UTF-16; XLSX) into the
warehouse. Folders are searched for .csv, .tsv, .txt and .xlsx files. Each
file's kind (roster, guests, stays, feedback) is recognised from its header,
and files load in that dependency order whatever order they are given in.
A file is loaded exactly once (by its bytes) or not at all; rejected rows are
kept with their reasons. Exit status: 0 when every file was loaded or
skipped, 1 when any failed, 2 for a bad command line.`)
	warehouseFlags(fs, e, &c)
	ingestFlags(fs, e, &c)
	fs.BoolVar(&asJSON, "json", false, "print a JSON summary on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError{code: exitUsage, msg: "name at least one file or folder"}
	}
	results, err := ingestPaths(ctx, e, &c, fs.Args())
	if err != nil {
		return err
	}
	sum := summarise(results)
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "%d files: %d rows loaded, %d rejected, %d warnings\n", len(results), sum.Loaded, sum.Rejected, sum.Warnings)
	}
	for _, r := range results {
		if r.Status == load.StatusFailed {
			return exitError{code: 1}
		}
	}
	return nil
}

// ingestPaths opens the warehouse, loads paths with a progress line per file
// on stderr, and closes it.
func ingestPaths(ctx context.Context, e *env, c *config, paths []string) ([]load.FileResult, error) {
	opt, err := importOptions(c)
	if err != nil {
		return nil, err
	}
	opt.Progress = progressPrinter(e.stderr)
	opt.Audit = &warehouse.AuditEntry{Actor: cliActor(e), Role: "cli"}
	var results []load.FileResult
	err = c.withWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		if results, err = load.Files(ctx, w, paths, opt); err != nil {
			return err
		}
		return generateAfterIngest(ctx, e, w, results, opt.Ingest.Loc)
	})
	return results, err
}

// importOptions are the rules every load follows, from the command line or
// an upload: the hotel's clock, the ID-number key, the default property and
// the reject threshold.
func importOptions(c *config) (load.Options, error) {
	var opt load.Options
	if c.RejectThreshold <= 0 || c.RejectThreshold > 1 {
		return opt, exitError{code: exitUsage, msg: "--reject-threshold must be above 0 and at most 1"}
	}
	loc, err := c.location()
	if err != nil {
		return opt, err
	}
	cur, err := c.currency()
	if err != nil {
		return opt, err
	}
	hasher, err := c.idHasher()
	if err != nil {
		return opt, err
	}
	opt.Ingest.Currency = cur
	opt.RejectThreshold = c.RejectThreshold
	opt.Ingest.Loc, opt.Ingest.Hasher, opt.Ingest.DefaultProperty = loc, hasher, c.Property
	return opt, nil
}

// progressPrinter writes one line per file, and one per ProgressEvery rows
// of a long file, to w.
func progressPrinter(w io.Writer) func(load.Progress) {
	var started time.Time
	return func(p load.Progress) {
		switch p.Phase {
		case "start":
			started = time.Now()
		case "rows":
			fmt.Fprintf(w, "  %s: %d rows…\n", p.Path, p.Rows)
		case "done":
			r := p.Done
			kind := r.Kind
			if kind == "" {
				kind = "?"
			}
			fmt.Fprintf(w, "%-8s %-8s %s: %s (%.1fs)\n", r.Status, kind, r.Path, r.Message, time.Since(started).Seconds())
		}
	}
}

func summarise(results []load.FileResult) ingestSummary {
	s := ingestSummary{Files: results}
	if s.Files == nil {
		s.Files = []load.FileResult{}
	}
	for _, r := range results {
		s.Loaded += r.Loaded
		s.Rejected += r.Rejected
		s.Warnings += r.Warnings
	}
	return s
}

// generateAfterIngest creates the callback tasks of new departures whenever
// stays were loaded, so the butlers' list is never behind the warehouse.
func generateAfterIngest(ctx context.Context, e *env, w *warehouse.Warehouse, results []load.FileResult, loc *time.Location) error {
	for _, r := range results {
		if r.Kind == "stays" && r.Status == load.StatusLoaded {
			res, err := callback.Generate(ctx, w, callback.GenerateOptions{AsOf: time.Now(), Loc: loc})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "callbacks: %d tasks created for departures since %s, %d departures skipped %v\n",
				res.Created, res.WindowStart.In(loc).Format("2006-01-02 15:04"), res.Skipped, res.SkippedBy)
			return nil
		}
	}
	return nil
}
