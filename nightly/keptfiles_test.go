package nightly

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Issue 13 row 11: kept export files expire. The night's last step deletes
// the inbox's processed/ and failed/ files and the outbox's workbooks
// older than --keep-files (30 days by default), counting age from when a
// file was taken in, and keeps the rest; the deletion is audited.
func TestANightDeletesKeptFilesPastTheirTime(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	now := cfg.Now()
	day := 24 * time.Hour
	aged := func(dir, name string, age time.Duration) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		p := writeKept(t, dir, name, "客户编号,姓名\r\nG1,张伟\r\n")
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return p
	}
	processed, failed := filepath.Join(cfg.Inbox, "processed"), filepath.Join(cfg.Inbox, "failed")
	old := []string{aged(processed, "stays_old.csv", 31*day), aged(failed, "bad_old.csv", 30*day+time.Minute),
		aged(cfg.Outbox, "回访名单_2026-10-01.xlsx", 52*day)}
	young := []string{aged(processed, "stays_young.csv", 29*day), aged(cfg.Outbox, "回访名单_2026-10-25.xlsx", 28*day)}
	// An export the PMS wrote 40 days ago, dropped into the inbox tonight:
	// its age counts from tonight.
	late := aged(cfg.Inbox, "guests_late.csv", 40*day)

	res, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual")
	if err != nil {
		t.Fatalf("run: %v (%+v)", err, res)
	}
	last := res.Steps[len(res.Steps)-1]
	if last.Name != "files" || last.Counts["deleted"] != 3 || last.Counts[FolderInbox] != 2 || last.Counts[FolderOutbox] != 1 {
		t.Errorf("the files step: %+v", last)
	}
	for _, p := range old {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is past 30 days and still there: %v", filepath.Base(p), err)
		}
	}
	for _, p := range young {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s is within 30 days and gone: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(filepath.Join(processed, filepath.Base(late))); err != nil {
		t.Errorf("a file taken in tonight was expired for its export's age: %v", err)
	}
	log, err := w.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(log, func(e warehouse.AuditEntry) bool { return e.Action == AuditExpireFiles })
	if i < 0 || log[i].Rows != 3 || log[i].Filter != "older_than=30d inbox=2 outbox=1" || log[i].Actor != "nightly" {
		t.Errorf("the expiry's audit: %+v", log)
	}

	// Kept for ever: nothing goes, however old.
	cfg.KeepFiles = -1
	ancient := aged(processed, "stays_ancient.csv", 3650*day)
	if res, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual"); err != nil || res.Steps[len(res.Steps)-1].Counts["deleted"] != 0 {
		t.Fatalf("run with --keep-files off: %v %+v", err, res)
	}
	if _, err := os.Stat(ancient); err != nil {
		t.Errorf("--keep-files off deleted a file: %v", err)
	}
}

func TestParseKeepFiles(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30d", 30 * 24 * time.Hour, true}, {"1d", 24 * time.Hour, true}, {"off", -1, true},
		{"0d", 0, false}, {"-3d", 0, false}, {"30", 0, false}, {"720h", 0, false}, {"30d ", 30 * 24 * time.Hour, true},
		{"3.5d", 0, false}, {"30dd", 0, false}, {"", 0, false}, {"99999999999d", 0, false},
	} {
		got, err := ParseKeepFiles(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseKeepFiles(%q) = %v, %v; want %v, ok %t", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
