package nightly

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/internal/dbtest"
	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

var shanghai = dbtest.Shanghai

func civil(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// hotel is a warehouse and an inbox holding a generated hotel's exports
// up to 2026-11-21, and a pipeline config whose clock is 02:00 the next day.
func hotel(t *testing.T) (*warehouse.Warehouse, Config) {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	inbox := filepath.Join(root, "inbox")
	if _, err := synth.Generate(ctx, synth.Config{OutDir: inbox, Guests: 150, Years: 1, Seed: 5, End: time.Date(2026, 11, 21, 0, 0, 0, 0, shanghai), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(inbox, synth.ManifestName))
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(root, "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, shanghai)
	cfg := Config{Inbox: inbox, Outbox: filepath.Join(root, "outbox"), Loc: shanghai, Now: func() time.Time { return now },
		Import: load.Options{RejectThreshold: 0.5, Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}}
	return w, cfg
}

func runs(t *testing.T, w *warehouse.Warehouse) []warehouse.JobRun {
	t.Helper()
	r, err := w.JobRuns(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestANightLoadsAnalysesCallsAndWritesTheOutbox(t *testing.T) {
	w, cfg := hotel(t)
	cfg.Currency = money.MustParse("EUR")
	ctx := context.Background()
	if err := os.WriteFile(filepath.Join(cfg.Inbox, "zz_garbage.csv"), []byte("what,is,this\n1,2,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual")
	if err != nil {
		t.Fatalf("run: %v (%+v)", err, res)
	}
	if res.Status != warehouse.JobSucceeded || len(res.Steps) != 5 {
		t.Fatalf("result %+v", res)
	}
	left, err := filepath.Glob(filepath.Join(cfg.Inbox, "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("files left in the inbox: %v", left)
	}
	if failed, err := filepath.Glob(filepath.Join(cfg.Inbox, "failed", "*")); err != nil || len(failed) != 1 || !strings.HasSuffix(failed[0], "zz_garbage.csv") {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("failed/: %v", failed)
	}
	if done, err := filepath.Glob(filepath.Join(cfg.Inbox, "processed", "*")); err != nil || len(done) < 4 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("processed/: %v", done)
	}
	if err := w.HasAnalysis(ctx, civil("2026-11-21")); err != nil {
		t.Errorf("no analysis of the night: %v", err)
	}
	for _, name := range []string{"回访名单_2026-11-21.xlsx", "回访任务_2026-11-22.xlsx"} {
		f, err := excelize.OpenFile(filepath.Join(cfg.Outbox, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// The workbooks say which money they are in: the night's currency.
		summary, err := f.GetRows("摘要 Summary")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(summary, func(r []string) bool { return len(r) == 2 && r[0] == "货币 Currency" && r[1] == "EUR" }) {
			t.Errorf("%s: the summary does not say EUR: %q", name, summary)
		}
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}
	if leftovers, err := filepath.Glob(filepath.Join(cfg.Outbox, ".writing-*")); err != nil || len(leftovers) != 0 {
		t.Errorf("half-written files: %v (%v)", leftovers, err)
	}
	r := runs(t, w)
	if len(r) != 1 || r[0].Status != warehouse.JobSucceeded || r[0].NightText != "2026-11-21" || !strings.Contains(r[0].Steps, `"loaded"`) {
		t.Errorf("job history %+v", r)
	}
	// The refused file is named, in the result and in the job history.
	if refused := res.Refused(); !slices.Equal(refused, []string{"zz_garbage.csv: FILE_UNKNOWN_KIND"}) {
		t.Errorf("refused files: %q, want zz_garbage.csv with why", refused)
	}
	if len(r) == 1 && !strings.Contains(r[0].Steps, `"refused":["zz_garbage.csv: FILE_UNKNOWN_KIND"]`) {
		t.Errorf("the job history does not name the refused file: %s", r[0].Steps)
	}

	// The same night again changes nothing and still succeeds.
	tasks, err := w.Tasks(ctx, warehouse.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual"); err != nil || res.Status != warehouse.JobSucceeded || res.Refused() != nil {
		t.Fatalf("again: %v %+v", err, res)
	}
	if again, err := w.Tasks(ctx, warehouse.TaskFilter{}); err != nil || len(again) != len(tasks) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a second run made %d tasks, the first %d", len(again), len(tasks))
	}
}

func TestCatchUpRunsEachMissedNightOnceInOrder(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	if _, err := Run(ctx, w, cfg, civil("2026-11-18"), "manual"); err != nil {
		t.Fatal(err)
	}
	got, err := CatchUp(ctx, w, cfg, "catch_up")
	if err != nil {
		t.Fatal(err)
	}
	var nights []string
	for _, r := range got {
		nights = append(nights, r.Night.Format(time.DateOnly)+" "+r.Status)
	}
	if strings.Join(nights, ", ") != "2026-11-19 succeeded, 2026-11-20 succeeded, 2026-11-21 succeeded" {
		t.Errorf("caught up %v", nights)
	}
	if again, err := CatchUp(ctx, w, cfg, "catch_up"); err != nil || len(again) != 0 {
		t.Errorf("a second start ran %d nights (%v)", len(again), err)
	}
}

func TestANightLeftRunningIsCompletedAtTheNextStart(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	if _, err := Run(ctx, w, cfg, civil("2026-11-20"), "manual"); err != nil {
		t.Fatal(err)
	}
	// The process died in the middle of the next night (kill -9): its row
	// says running, and nothing after the step it was in was done.
	night := civil("2026-11-21")
	if _, err := w.StartJob(ctx, Job, &night, "schedule", cfg.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := CatchUp(ctx, w, cfg, "catch_up")
	if err != nil || len(got) != 1 || got[0].Night != night || got[0].Status != warehouse.JobSucceeded {
		t.Fatalf("catch-up after a crash: %+v %v", got, err)
	}
	statuses := map[string]int{}
	for _, r := range runs(t, w) {
		statuses[r.Status]++
	}
	if statuses[warehouse.JobInterrupted] != 1 || statuses[warehouse.JobSucceeded] != 2 || statuses[warehouse.JobRunning] != 0 {
		t.Errorf("history after the crash: %v", statuses)
	}
}

func TestAPanickingStepIsRecordedAndTheNextNightRuns(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	cfg.stepHook = func(step string) {
		if step == "callbacks" {
			panic("the disk is on fire")
		}
	}
	res, err := Run(ctx, w, cfg, civil("2026-11-21"), "schedule")
	if err == nil || res.Status != warehouse.JobFailed || !strings.Contains(res.Error, "the disk is on fire") || len(res.Steps) != 3 {
		t.Fatalf("a panicking step: %v %+v", err, res)
	}
	if r := runs(t, w); r[0].Status != warehouse.JobFailed || !strings.Contains(r[0].Error, "panic") {
		t.Errorf("history %+v", r[0])
	}
	cfg.stepHook = nil
	if _, ok, err := w.LastGoodNight(ctx, Job); err != nil || ok {
		if err != nil {
			t.Fatal(err)
		}
		t.Error("a failed night counts as good")
	}
	if got, err := CatchUp(ctx, w, cfg, "catch_up"); err != nil || len(got) != 1 || got[0].Status != warehouse.JobSucceeded {
		t.Errorf("the failed night is not run again: %+v %v", got, err)
	}
}

func TestAnOverlappingRunIsSkippedAndRecorded(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	inStep, release := make(chan struct{}), make(chan struct{})
	cfg.stepHook = func(step string) {
		if step == "analyze" {
			close(inStep)
			<-release
		}
	}
	done := make(chan error, 1)
	go func() { _, err := Run(ctx, w, cfg, civil("2026-11-21"), "schedule"); done <- err }()
	<-inStep
	cfg2 := cfg
	cfg2.stepHook = nil
	if _, err := Run(ctx, w, cfg2, civil("2026-11-21"), "manual"); !errors.Is(err, ErrBusy) {
		t.Errorf("a second run meanwhile: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var skipped int
	for _, r := range runs(t, w) {
		if r.Status == warehouse.JobSkipped {
			skipped++
		}
	}
	if skipped != 1 {
		t.Errorf("%d skipped runs recorded, want 1", skipped)
	}
}
