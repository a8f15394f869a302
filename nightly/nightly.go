// Package nightly is the pipeline a hotel runs every night: take the new
// exports from the inbox, analyse as of yesterday, make the callback list,
// and write the day's files for marketing and the butlers to the outbox.
// Every run is recorded in the warehouse with its steps, so a failed or
// missed night is on record and the next start knows what to catch up.
//
// The files kept on disk expire: after Config.KeepFiles (30 days) the
// inbox's processed/ and failed/ files and the outbox's workbooks are
// deleted by the night's last step.
//
// A night can run any number of times with the same result: files load by
// their bytes exactly once, an analysis of a day replaces the earlier one,
// callbacks are made once per departure, and outbox files are replaced
// whole (written aside, then renamed).
package nightly

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// Job is the nightly pipeline's name in the job history and the metrics.
const Job = "nightly"

// Config is where the pipeline reads and writes, and by what rules.
type Config struct {
	Inbox  string // new export files; "" skips the ingest step
	Outbox string // the day's files; "" skips the outbox step
	Import load.Options
	Loc    *time.Location // the hotel's clock (default Asia/Shanghai)
	// Currency names the money in the outbox's workbooks (default CNY).
	Currency money.Currency
	Now      func() time.Time
	// MaxCatchUp is how many missed nights a start runs (default 7): each
	// in order, the oldest first. Older gaps are left: their callbacks are
	// long overdue and their analyses would be replaced by the next night's.
	MaxCatchUp int
	// KeepFiles is how long the inbox's processed/ and failed/ files and
	// the outbox's workbooks are kept (default DefaultKeepFiles, 30 days;
	// negative: for ever): the "files" step deletes older ones.
	KeepFiles time.Duration
	Log       *slog.Logger
	// stepHook, for tests, runs before each step.
	stepHook func(step string)
}

// withDefaults fills what cfg leaves unset; the hotel's zone, when the
// caller passes none, is the warehouse's, resolved once when it opened.
func (c Config) withDefaults(wh *warehouse.Warehouse) Config {
	if c.Loc == nil {
		c.Loc = wh.Location()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxCatchUp <= 0 {
		c.MaxCatchUp = 7
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Import.Ingest.Loc == nil {
		c.Import.Ingest.Loc = c.Loc
	}
	return c
}

// Step is what one step did.
type Step struct {
	Name   string           `json:"name"`
	MS     int64            `json:"ms"`
	Counts map[string]int64 `json:"counts,omitempty"`
	Error  string           `json:"error,omitempty"`
	// Refused names the inbox files the ingest step could not load, each
	// "file name: reason code", in the job history: the night goes on with what
	// loaded, but whoever ran it must hear of them.
	Refused []string `json:"refused,omitempty"`
}

// Result is one run of a night.
type Result struct {
	RunID  int64     `json:"run_id"`
	Night  time.Time `json:"night"`
	Status string    `json:"status"`
	Steps  []Step    `json:"steps"`
	Error  string    `json:"error,omitempty"`
}

// Refused lists the inbox files the run could not load (see Step.Refused).
func (r Result) Refused() []string {
	var out []string
	for _, st := range r.Steps {
		out = append(out, st.Refused...)
	}
	return out
}

// ErrBusy is returned when a run of the pipeline is already under way.
var ErrBusy = errors.New("a nightly run is already under way")

// running makes the pipeline run one at a time in a process, whatever
// started it (the schedule, a catch-up, an admin, the command line).
var running sync.Mutex

// Yesterday is the hotel-local day before now, as a civil date.
func Yesterday(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC)
}

// Run runs the pipeline for one night (a civil date) and records it. A run
// that would overlap another is recorded as skipped and returns ErrBusy. A
// night CheckNight refuses is not run, nor recorded: the error wraps
// ErrNightOutOfRange.
func Run(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time, trigger string) (Result, error) {
	cfg = cfg.withDefaults(wh)
	night = time.Date(night.Year(), night.Month(), night.Day(), 0, 0, 0, 0, time.UTC)
	res := Result{Night: night, Status: warehouse.JobFailed}
	if err := CheckNight(ctx, wh, night, cfg.Now(), cfg.Loc); err != nil {
		res.Error = err.Error()
		return res, err
	}
	if !running.TryLock() {
		if err := wh.RecordSkippedJob(ctx, Job, &night, trigger, cfg.Now()); err != nil {
			return res, err
		}
		res.Status = warehouse.JobSkipped
		return res, ErrBusy
	}
	defer running.Unlock()
	return runHeld(ctx, wh, cfg, night, trigger, res)
}

// Claim is the pipeline taken for one run before the run starts, so that a
// caller answering "started" or "busy" (the API's 202 or 409) tells the
// truth: checking Busy and then calling Run left a window in which another
// run could start, and the "started" run was recorded as skipped.
type Claim struct {
	once sync.Once
}

// TryClaim takes the pipeline for one run, or returns ErrBusy while a run
// is under way. The claim is given back by RunClaimed, or by Release when
// the run does not happen after all.
func TryClaim() (*Claim, error) {
	if !running.TryLock() {
		return nil, ErrBusy
	}
	return &Claim{}, nil
}

// Release gives the claim back; releasing twice is harmless.
func (c *Claim) Release() { c.once.Do(running.Unlock) }

// RunClaimed is Run for a caller holding a claim, which it releases when the
// run ends. A night CheckNight refuses is not run, nor recorded.
func RunClaimed(ctx context.Context, claim *Claim, wh *warehouse.Warehouse, cfg Config, night time.Time, trigger string) (Result, error) {
	defer claim.Release()
	cfg = cfg.withDefaults(wh)
	night = time.Date(night.Year(), night.Month(), night.Day(), 0, 0, 0, 0, time.UTC)
	res := Result{Night: night, Status: warehouse.JobFailed}
	if err := CheckNight(ctx, wh, night, cfg.Now(), cfg.Loc); err != nil {
		res.Error = err.Error()
		return res, err
	}
	return runHeld(ctx, wh, cfg, night, trigger, res)
}

// runHeld runs the pipeline's steps and records the run; the caller holds
// running.
func runHeld(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time, trigger string, res Result) (Result, error) {
	id, err := wh.StartJob(ctx, Job, &night, trigger, cfg.Now())
	if err != nil {
		return res, err
	}
	res.RunID = id
	cfg.Log.Info("nightly run", "run_id", id, "night", night.Format(time.DateOnly), "trigger", trigger)
	var refused []string
	ingestStep := func(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time) (counts map[string]int64, err error) {
		counts, refused, err = ingestInbox(ctx, wh, cfg, night)
		return counts, err
	}
	steps := []struct {
		name string
		do   func(context.Context, *warehouse.Warehouse, Config, time.Time) (map[string]int64, error)
	}{
		{"ingest", ingestStep}, {"analyze", analyze}, {"callbacks", callbacks}, {"outbox", writeOutbox},
		{"files", expireFiles},
	}
	var runErr error
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		started := time.Now()
		counts, err := safely(ctx, wh, cfg, night, st.name, st.do)
		step := Step{Name: st.name, MS: time.Since(started).Milliseconds(), Counts: counts}
		if st.name == "ingest" {
			step.Refused = refused
		}
		if err != nil {
			step.Error = err.Error()
			runErr = fmt.Errorf("%s: %w", st.name, err)
		}
		res.Steps = append(res.Steps, step)
		if runErr != nil {
			break
		}
	}
	if runErr == nil {
		res.Status = warehouse.JobSucceeded
	} else {
		res.Error = runErr.Error()
	}
	stepsJSON, _ := json.Marshal(res.Steps)
	// The record is written even when ctx was cancelled (SIGTERM): the
	// history must say how the night ended.
	if err := wh.FinishJob(context.WithoutCancel(ctx), id, res.Status, string(stepsJSON), res.Error, cfg.Now()); err != nil {
		return res, errors.Join(runErr, err)
	}
	cfg.Log.Info("nightly run ended", "run_id", id, "status", res.Status)
	return res, runErr
}

// safely runs one step, turning a panic into an error so that a bad night
// is recorded and the process goes on.
func safely(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time, name string,
	do func(context.Context, *warehouse.Warehouse, Config, time.Time) (map[string]int64, error)) (counts map[string]int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg.Log.Error("nightly step panicked", "step", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if cfg.stepHook != nil {
		cfg.stepHook(name)
	}
	return do(ctx, wh, cfg, night)
}

// CatchUp runs the nights missed since the last good one, oldest first, at
// most cfg.MaxCatchUp of them, up to yesterday; a warehouse that never ran
// one runs yesterday only. Runs left "running" by a stopped process are
// marked interrupted first, so their night runs again.
func CatchUp(ctx context.Context, wh *warehouse.Warehouse, cfg Config, trigger string) ([]Result, error) {
	cfg = cfg.withDefaults(wh)
	if _, err := wh.InterruptStaleJobs(ctx, cfg.Now()); err != nil {
		return nil, err
	}
	yesterday := Yesterday(cfg.Now(), cfg.Loc)
	last, ok, err := wh.LastGoodNight(ctx, Job)
	if err != nil {
		return nil, err
	}
	first := yesterday
	if ok {
		first = last.AddDate(0, 0, 1)
	}
	// Nights before the first stay have nothing to analyse, and Run
	// refuses them: a warehouse whose data begins today waits for tonight.
	if firstStay, ok, err := wh.FirstStayDay(ctx); err != nil {
		return nil, err
	} else if ok && first.Before(firstStay) {
		first = firstStay
	}
	if earliest := yesterday.AddDate(0, 0, 1-cfg.MaxCatchUp); first.Before(earliest) {
		cfg.Log.Warn("nightly: too many nights missed; catching up the latest only", "from", first.Format(time.DateOnly), "kept", cfg.MaxCatchUp)
		first = earliest
	}
	var out []Result
	for night := first; !night.After(yesterday); night = night.AddDate(0, 0, 1) {
		res, err := Run(ctx, wh, cfg, night, trigger)
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// ingestInbox loads the inbox's files and moves each to processed/ or
// failed/ beside it, never deleting one. refused names the files moved to
// failed/, with why.
func ingestInbox(ctx context.Context, wh *warehouse.Warehouse, cfg Config, _ time.Time) (counts map[string]int64, refused []string, err error) {
	counts = map[string]int64{}
	if cfg.Inbox == "" {
		return counts, nil, nil
	}
	entries, err := os.ReadDir(cfg.Inbox)
	if err != nil {
		return counts, nil, err
	}
	var paths []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.Type().IsRegular() && (ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".xlsx") {
			paths = append(paths, filepath.Join(cfg.Inbox, e.Name()))
		}
	}
	sort.Strings(paths)
	counts["files"] = int64(len(paths))
	if len(paths) == 0 {
		return counts, nil, nil
	}
	results, err := load.Files(ctx, wh, paths, cfg.Import)
	if err != nil {
		return counts, nil, err
	}
	var failed []string
	for _, r := range results {
		counts["loaded"] += r.Loaded
		counts["rejected"] += r.Rejected
		dest := "processed"
		if r.Status == load.StatusFailed {
			dest = "failed"
			counts["failed_files"]++
			failed = append(failed, filepath.Base(r.Path)+": "+reasonCode(r.Message))
		}
		if err := moveInto(r.Path, filepath.Join(cfg.Inbox, dest), cfg.Now()); err != nil {
			return counts, failed, err
		}
	}
	if len(failed) > 0 { // loud, but the night goes on with what loaded
		cfg.Log.Warn("nightly: files refused", "files", len(failed))
	}
	return counts, failed, nil
}

// reasonCode is the reason code a refusal's message starts with (see
// ingest's R* codes), or "refused": the message goes on with the file's
// header, which in a file without one is a guest's row.
func reasonCode(msg string) string {
	code, _, ok := strings.Cut(msg, ":")
	if !ok || code == "" || strings.TrimLeft(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != "" {
		return "refused"
	}
	return code
}

// moveInto moves a file into dir, keeping its name; a name already there
// gets a numbered suffix rather than being overwritten. Its time becomes
// now: a kept file's age counts from when it was taken, not exported.
func moveInto(path, dir string, now time.Time) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	base := filepath.Base(path)
	dest := filepath.Join(dir, base)
	for i := 2; ; i++ {
		if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
			break
		}
		ext := filepath.Ext(base)
		dest = filepath.Join(dir, fmt.Sprintf("%s.%d%s", strings.TrimSuffix(base, ext), i, ext))
	}
	if err := os.Rename(path, dest); err != nil {
		return err
	}
	return os.Chtimes(dest, now, now)
}

func analyze(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time) (map[string]int64, error) {
	asOf := time.Date(night.Year(), night.Month(), night.Day(), 0, 0, 0, 0, cfg.Loc)
	res, err := reports.Analyze(ctx, wh, reports.Options{AsOf: asOf, Loc: cfg.Loc, Now: cfg.Now, Background: true})
	if err != nil {
		return nil, err
	}
	return map[string]int64{"guests": res.Guests, "visits": res.Visits}, nil
}

// callbacks makes the tasks of the departures up to the end of the night
// (or now, for a night still under way).
func callbacks(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time) (map[string]int64, error) {
	at := warehouse.EndOfDay(time.Date(night.Year(), night.Month(), night.Day(), 0, 0, 0, 0, cfg.Loc), cfg.Loc)
	if now := cfg.Now(); now.Before(at) {
		at = now
	}
	res, err := callback.Generate(ctx, wh, callback.GenerateOptions{AsOf: at, Loc: cfg.Loc})
	if err != nil {
		return nil, err
	}
	return map[string]int64{"created": int64(res.Created), "skipped": int64(res.Skipped)}, nil
}

// writeOutbox writes the day's revisit list and the callback tasks due the
// next day as dated workbooks, masked, audited as the nightly job's.
func writeOutbox(ctx context.Context, wh *warehouse.Warehouse, cfg Config, night time.Time) (map[string]int64, error) {
	counts := map[string]int64{}
	if cfg.Outbox == "" {
		return counts, nil
	}
	if err := os.MkdirAll(cfg.Outbox, 0o750); err != nil {
		return counts, err
	}
	day := night.Format(time.DateOnly)
	next := time.Date(night.Year(), night.Month(), night.Day()+1, 0, 0, 0, 0, cfg.Loc)
	files := []struct {
		name string
		req  reports.ExportRequest
	}{
		{"回访名单_" + day + ".xlsx", reports.ExportRequest{Report: reports.ExportTargets, AsOf: night, Loc: cfg.Loc, Filter: "as_of=" + day}},
		{"回访任务_" + next.Format(time.DateOnly) + ".xlsx", reports.ExportRequest{Report: reports.ExportCallbacks, Loc: cfg.Loc,
			Tasks:  warehouse.TaskFilter{DueFrom: next, DueTo: next.AddDate(0, 0, 1)},
			Filter: "due " + next.Format(time.DateOnly)}},
	}
	for _, f := range files {
		n, err := writeFile(ctx, wh, cfg, filepath.Join(cfg.Outbox, f.name), f.req)
		if err != nil {
			return counts, fmt.Errorf("%s: %w", f.name, err)
		}
		counts[f.req.Report] = int64(n)
	}
	return counts, nil
}

// writeFile writes one export beside its final name and renames it into
// place, so the outbox never holds half a file.
func writeFile(ctx context.Context, wh *warehouse.Warehouse, cfg Config, path string, req reports.ExportRequest) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".writing-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	audit := warehouse.AuditEntry{At: cfg.Now(), Actor: "nightly", Role: "job"}
	req.Currency = cfg.Currency
	n, err := reports.Export(ctx, wh, req, audit, func(t export.Table, rows export.Rows) (int, error) {
		return export.WriteXLSX(ctx, tmp, t, rows)
	})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}
