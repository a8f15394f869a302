package main

import (
	"context"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// TestNightlyRefusesANightAfterTodayOrBeforeTheData: issue 13 row 3, on the
// command line. `revisit nightly --night 9999-12-31` ran and dated the
// outbox's workbooks 10000-01-01. Now a night after today or before the
// warehouse's first stay (2026-11-20) is a usage error (exit 2) that says
// why, and no run is recorded; nor is an analysis of a day to come exported.
func TestNightlyRefusesANightAfterTodayOrBeforeTheData(t *testing.T) {
	db, env := smallWarehouse(t)
	cases := []struct{ flag, night, says string }{
		{"--night", "9999-12-31", "night 9999-12-31 is after today"},
		{"--as-of", "9999-12-31", "night 9999-12-31 is after today"},
		{"--night", "2026-11-19", "night 2026-11-19 is before the warehouse's first data (2026-11-20)"},
	}
	for _, tc := range cases {
		code, _, stderr := runCLI(t, env, "nightly", tc.flag, tc.night)
		if code != exitUsage || !strings.Contains(stderr, tc.says) {
			t.Errorf("nightly %s %s: exit %d, stderr %q; want %d saying %q", tc.flag, tc.night, code, stderr, exitUsage, tc.says)
		}
	}
	if code, _, stderr := runCLI(t, env, "export", "targets", "--format", "csv", "--as-of", "9999-12-31"); code != exitUsage || !strings.Contains(stderr, "after today") {
		t.Errorf("export --as-of 9999-12-31: exit %d, stderr %q", code, stderr)
	}
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: db, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if runs, err := w.JobRuns(context.Background(), 10); err != nil || len(runs) != 0 {
		t.Errorf("%d job runs recorded for refused nights (%v)", len(runs), err)
	}
}
