package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse"
)

func runNightly(ctx context.Context, e *env, args []string) error {
	var c config
	var inbox, outbox, asOf, keep string
	var asJSON bool
	fs := newFlagSet(e, "nightly", "nightly [--db PATH] [--inbox DIR] [--outbox DIR] [--night D] [--json]",
		`Runs the nightly pipeline by hand, as 'revisit serve' does at night: loads
the new files of --inbox (moved to processed/ or failed/ beside them),
analyses the night, makes the callback list, and writes the day's
workbooks to --outbox. With --night (or --as-of) it runs that night
(again, if it ran: the result is the same); a night after today, hotel
time, or before the warehouse's first stay is refused. Without, it runs
the nights missed since the last good one, at most seven, oldest first.
Its last step deletes the kept files (processed/, failed/, the outbox's
workbooks) older than --keep-files. Every run is recorded (GET
/api/v1/jobs). Exit status: 0 when every night ran and every inbox file
was loaded or skipped; 1 when a night failed or a file was refused (the
files are named, and wait in failed/); 2 for a bad command line.`)
	warehouseFlags(fs, e, &c)
	ingestFlags(fs, e, &c)
	fs.StringVar(&inbox, "inbox", envOr(e, "REVISIT_INBOX", ""), "folder of new export files (env REVISIT_INBOX; empty: none)")
	fs.StringVar(&outbox, "outbox", envOr(e, "REVISIT_OUTBOX", ""), "folder for the day's workbooks (env REVISIT_OUTBOX; empty: none)")
	fs.StringVar(&asOf, "night", "", "the night to run, YYYY-MM-DD, not after today (default: the nights missed)")
	fs.StringVar(&asOf, "as-of", "", "the same as --night")
	fs.StringVar(&keep, "keep-files", envOr(e, "REVISIT_KEEP_FILES", "30d"), "how long the inbox's processed/ and failed/ files and the outbox's workbooks are kept, in days (30d), or off (env REVISIT_KEEP_FILES)")
	fs.BoolVar(&asJSON, "json", false, "print the runs as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cur, err := c.currency()
	if err != nil {
		return err
	}
	opt, err := importOptions(&c)
	if err != nil {
		return err
	}
	opt.Progress = progressPrinter(e.stderr)
	keepFiles, err := nightly.ParseKeepFiles(keep)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	cfg := nightly.Config{Inbox: inbox, Outbox: outbox, Import: opt, Loc: opt.Ingest.Loc, Currency: cur, KeepFiles: keepFiles}
	var night time.Time
	if asOf != "" {
		if night, err = time.Parse(time.DateOnly, asOf); err != nil {
			return exitError{code: exitUsage, msg: "--night (--as-of) must be a date like 2026-11-26"}
		}
	}
	var results []nightly.Result
	err = c.withWarehouse(ctx, func(w *warehouse.Warehouse) error {
		warnExposed(slog.New(slog.NewTextHandler(e.stderr, nil)), w)
		if night.IsZero() {
			results, err = nightly.CatchUp(ctx, w, cfg, "cli")
			return err
		}
		if err := nightly.CheckNight(ctx, w, night, time.Now(), cfg.Loc); errors.Is(err, nightly.ErrNightOutOfRange) {
			return exitError{code: exitUsage, msg: err.Error()}
		} else if err != nil {
			return err
		}
		if _, err := w.InterruptStaleJobs(ctx, time.Now()); err != nil {
			return err
		}
		res, err := nightly.Run(ctx, w, cfg, night, "cli")
		results = append(results, res)
		return err
	})
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if results == nil {
			results = []nightly.Result{}
		}
		enc.Encode(results)
	} else {
		if len(results) == 0 && err == nil {
			fmt.Fprintln(e.stdout, "no night to run: the last good night is yesterday")
		}
		for _, r := range results {
			fmt.Fprintf(e.stdout, "%s %s", r.Night.Format(time.DateOnly), r.Status)
			for _, st := range r.Steps {
				fmt.Fprintf(e.stdout, " · %s %.1fs %s", st.Name, float64(st.MS)/1000, formatCounts(st.Counts))
			}
			if r.Error != "" {
				fmt.Fprintf(e.stdout, " · %s", r.Error)
			}
			fmt.Fprintln(e.stdout)
		}
	}
	var usage exitError
	if errors.As(err, &usage) {
		return usage
	}
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	if refused := refusedFiles(results); len(refused) > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%d inbox file(s) refused, moved to failed/ (see 'revisit imports' and 'revisit rejects'): %s",
			len(refused), strings.Join(refused, "; "))}
	}
	return nil
}

// refusedFiles are the inbox files the runs could not load: like ingest,
// a night that refused one does not exit 0.
func refusedFiles(results []nightly.Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.Refused()...)
	}
	return out
}

// formatCounts writes a step's counts as "a 1, b 2", by name.
func formatCounts(counts map[string]int64) string {
	parts := make([]string, 0, len(counts))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}
