package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Issue 13 row 6: a warehouse file other users can read is said at start,
// with its path and mode, and one made private is not.
func TestNightlyStartReportsAWarehouseReadableByOthers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: db, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REVISIT_DB": db}
	code, stdout, stderr := runCLI(t, env, "nightly", "--as-of", "2026-11-26")
	if code != 0 || strings.Contains(stderr, "readable by other users") {
		t.Fatalf("a private warehouse: exit %d %s %s", code, stdout, stderr)
	}
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, env, "nightly", "--as-of", "2026-11-26")
	if code != 0 {
		t.Fatalf("nightly: exit %d %s %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "level=WARN") || !strings.Contains(stderr, "path="+db) || !strings.Contains(stderr, "mode=0644") {
		t.Errorf("the start did not name the exposed file and its mode:\n%s", stderr)
	}
}
