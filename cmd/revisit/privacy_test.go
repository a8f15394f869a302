package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// privacyWarehouse returns a warehouse file with two guests: G1 active,
// G2 last seen in 2019.
func privacyWarehouse(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"guests.csv": "客户编号,姓名,手机,建档日期\nG1,张伟,13812345678,2024-01-02\nG2,李娜,13900002222,2018-05-06\n",
		"stays.csv":  "单号,客户编号,消费场所,到店时间,离店时间,消费金额\nS1,G1,客房,2025-01-10 15:00,2025-01-12 11:00,800\nS2,G2,客房,2019-01-10 15:00,2019-01-12 11:00,500\n",
	}
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := runCLI(t, nil, append([]string{"ingest", "--db", db}, paths...)...); code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	return db
}

func TestForgetDryRunThenForget(t *testing.T) {
	db := privacyWarehouse(t)
	environ := map[string]string{"REVISIT_DB": db, "USER": "dpo"}
	code, stdout, stderr := runCLI(t, environ, "forget", "--guest", "G1", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "dry run") || !strings.Contains(stdout, "DEL-1") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, environ, "forget", "--guest", "G1", "--json")
	if code != 0 {
		t.Fatalf("forget: exit %d\n%s", code, stderr)
	}
	var rep warehouse.ForgetReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.DryRun || rep.Profiles != 1 || rep.Stays != 1 || rep.Suppressions != 3 {
		t.Fatalf("report %+v, %v\n%s", rep, err, stdout)
	}
	if code, _, stderr := runCLI(t, environ, "forget", "--guest", "G1"); code == 0 || !strings.Contains(stderr, "no guest") {
		t.Errorf("forgetting again: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runCLI(t, environ, "forget"); code != exitUsage {
		t.Errorf("forget without --guest: exit %d, want %d", code, exitUsage)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		log, err := w.AuditLog(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "forget") {
				actions = append(actions, e.Action+" "+e.Actor)
			}
		}
		if strings.Join(actions, ";") != "forget cli:dpo;forget_dry_run cli:dpo" {
			t.Errorf("audit: %v", actions)
		}
	})
}

func TestRetentionAnonymisesOnlyTheInactive(t *testing.T) {
	db := privacyWarehouse(t)
	environ := map[string]string{"REVISIT_DB": db}
	code, stdout, stderr := runCLI(t, environ, "retention", "--older-than", "3y", "--dry-run", "--json")
	var rep warehouse.ForgetReport
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || !rep.DryRun || rep.Guests != 1 {
		t.Fatalf("dry run: exit %d %+v\n%s%s", code, rep, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, environ, "retention", "--older-than", "3y"); code != 0 || !strings.Contains(stdout, "guests") {
		t.Fatalf("retention: exit %d\n%s%s", code, stdout, stderr)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		var names string
		if err := w.DB().QueryRowContext(t.Context(), "SELECT string_agg(coalesce(name, '-'), ',' ORDER BY profile_id) FROM profiles").Scan(&names); err != nil {
			t.Fatal(err)
		}
		if names != "-,张伟" {
			t.Errorf("profiles after retention: %s", names)
		}
	})
	for _, bad := range []string{"", "3", "3w", "-1y", "y"} {
		if code, _, _ := runCLI(t, environ, "retention", "--older-than", bad); code != exitUsage {
			t.Errorf("--older-than %q: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func TestRetentionCutoff(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"3y": "2023-03-31", "18m": "2024-10-01", "400d": "2025-02-24"} {
		got, err := retentionCutoff(in, now)
		if err != nil || got.Format(time.DateOnly) != want {
			t.Errorf("%s: %v %v, want %s", in, got, err, want)
		}
	}
}
