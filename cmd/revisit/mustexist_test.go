package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadCommandsNeverCreateAWarehouse: a mistyped --db makes every command
// that works on what is there fail with the path named and exit 1, and
// leaves no file behind; the commands that load still create one.
func TestReadCommandsNeverCreateAWarehouse(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "revisit.duckb")
	out := t.TempDir()
	for _, args := range [][]string{
		{"stats"},
		{"imports"},
		{"rejects"},
		{"analyze", "--as-of", "2026-11-26"},
		{"export", "targets", "--format", "csv", "--out", filepath.Join(out, "t.csv")},
		{"callbacks", "list"},
		{"callbacks", "sla"},
		{"callbacks", "generate"},
		{"callbacks", "escalate"},
		{"callbacks", "attempt", "1", "--by", "B01", "--disposition", "no_answer"},
		{"callbacks", "assign", "1", "--to", "B02", "--by", "B09", "--reason", "away"},
		{"callbacks", "recovery", "1"},
		{"forget", "--guest", "G1"},
		{"retention", "--older-than", "3y"},
		{"backup", "--out", out},
		{"token", "list"},
		// These read flags before their one argument.
		{"token", "revoke", "--db", typo, "1"},
		{"staff", "list"},
		{"staff", "reset-password", "--db", typo, "B01"},
		{"staff", "disable", "--db", typo, "B01"},
	} {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			if !slices.Contains(args, "--db") {
				args = append(args, "--db", typo)
			}
			code, stdout, stderr := runCLI(t, nil, args...)
			want := "no warehouse at " + typo + ": no such file or directory; --db"
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q, stdout %q: want 1 and %q", code, stderr, stdout, want)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("left behind: %v %v", entries, err)
			}
		})
	}

	// The same through REVISIT_DB, where the flag is not on the line.
	code, _, stderr := runCLI(t, map[string]string{"REVISIT_DB": typo}, "stats")
	if code != 1 || !strings.Contains(stderr, "no warehouse at "+typo) {
		t.Errorf("stats with REVISIT_DB mistyped: exit %d %q", code, stderr)
	}

	// Loading still makes the warehouse, and then the reads work.
	db := filepath.Join(dir, "revisit.duckdb")
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, src); code != 0 {
		t.Fatalf("ingest into a new warehouse: exit %d %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, nil, "stats", "--db", db)
	if code != 0 || !strings.Contains(stdout, "1") {
		t.Errorf("stats of the new warehouse: exit %d %q %s", code, stdout, stderr)
	}
}
