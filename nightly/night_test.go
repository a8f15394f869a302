package nightly

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// TestANightAfterTodayOrBeforeTheFirstDataIsNotRun: issue 13 row 3. A run
// for 9999-12-31 succeeded and dated every target, export and download in
// the year 9999. Now a night after today (hotel time) or before the first
// stay the warehouse holds is refused with ErrNightOutOfRange, recorded
// nowhere, and writes nothing to the outbox; today and the first day run.
func TestANightAfterTodayOrBeforeTheFirstDataIsNotRun(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	if _, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual"); err != nil {
		t.Fatal(err)
	}
	first := firstArrivalDay(t, w)
	before := len(runs(t, w))
	outbox := outboxFiles(t, cfg.Outbox)

	// The clock is 2026-11-22 02:00 in Shanghai, 2026-11-21 18:00 UTC: the
	// hotel's today is the 22nd, whatever UTC says.
	for _, night := range []string{"9999-12-31", "2026-11-23", first.AddDate(0, 0, -1).Format(time.DateOnly), "1970-01-01"} {
		res, err := Run(ctx, w, cfg, civil(night), "manual")
		if !errors.Is(err, ErrNightOutOfRange) || res.RunID != 0 {
			t.Errorf("night %s: %v (run %d), want ErrNightOutOfRange and no run", night, err, res.RunID)
		}
	}
	if n := len(runs(t, w)); n != before {
		t.Errorf("%d job runs recorded for refused nights", n-before)
	}
	if now := outboxFiles(t, cfg.Outbox); len(now) != len(outbox) {
		t.Errorf("the outbox grew from %d to %d files: %v", len(outbox), len(now), now)
	}
	for _, night := range []time.Time{civil("2026-11-22"), first} {
		if err := CheckNight(ctx, w, night, cfg.Now(), cfg.Loc); err != nil {
			t.Errorf("night %s refused: %v", night.Format(time.DateOnly), err)
		}
	}
	// A warehouse with no stay yet has no first day: tonight's inbox may bring one.
	empty, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(t.TempDir(), "empty.duckdb"), Threads: 1, MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if err := CheckNight(ctx, empty, civil("2001-01-01"), cfg.Now(), cfg.Loc); err != nil {
		t.Errorf("an empty warehouse refused a past night: %v", err)
	}
}

// firstArrivalDay is the hotel-local day of the earliest arrival, found by
// reading every stay in Go rather than by the warehouse's own query.
func firstArrivalDay(t *testing.T, w *warehouse.Warehouse) time.Time {
	t.Helper()
	rows, err := w.DB().Query("SELECT arrival FROM stays")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var first time.Time
	for rows.Next() {
		var a time.Time
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		if first.IsZero() || a.Before(first) {
			first = a
		}
	}
	if err := rows.Err(); err != nil || first.IsZero() {
		t.Fatalf("no stays (%v)", err)
	}
	y, m, d := first.In(shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func outboxFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCatchUpWaitsForTheFirstNightWithData: a warehouse whose first stay
// began today has no night to catch up yet; the start is not a failure.
func TestCatchUpWaitsForTheFirstNightWithData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(dir, "w.duckdb"), Threads: 1, MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var paths []string
	for name, body := range map[string]string{
		"guests.csv": "客户编号,姓名,手机\nG1,张伟,13812345678\n",
		"stays.csv":  "单号,客户编号,到店时间,离店时间\nS1,G1,2026-11-22 00:30,2026-11-22 01:30\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, shanghai)
	cfg := Config{Loc: shanghai, Now: func() time.Time { return now },
		Import: load.Options{Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}}
	if res, err := load.Files(ctx, w, paths, cfg.Import); err != nil || res[0].Status != load.StatusLoaded || res[1].Status != load.StatusLoaded {
		t.Fatalf("import: %v %+v", err, res)
	}
	got, err := CatchUp(ctx, w, cfg, "catch_up")
	if err != nil || len(got) != 0 {
		t.Errorf("catch-up before the first night with data: %d runs, %v", len(got), err)
	}
}
