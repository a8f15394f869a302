// Package whtest opens warehouses and loads files for the tests of the
// packages around the warehouse (warehouse's own external tests, load,
// identity). It is imported by tests only.
package whtest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/internal/dbtest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// Shanghai is the test hotels' zone.
var Shanghai = dbtest.Shanghai

// HotelTime is a Shanghai-local "YYYY-MM-DD HH:MM".
func HotelTime(s string) time.Time { return dbtest.HotelTime(s) }

// OpenTemp opens a fresh warehouse in a temp dir and closes it at the end.
func OpenTemp(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	return w
}

// Options are the loads' rules in tests: Shanghai, a fixed ID-number key,
// the default property 丽都.
func Options() load.Options {
	return load.Options{Ingest: ingest.Options{Loc: Shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789")), DefaultProperty: "丽都"}}
}

// Import loads paths and fails the test on a run-stopping error; each
// file's own outcome is in the results.
func Import(t testing.TB, w *warehouse.Warehouse, opt load.Options, paths ...string) []load.FileResult {
	t.Helper()
	res, err := load.Files(context.Background(), w, paths, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ResultByName is the result of the file called name.
func ResultByName(t testing.TB, res []load.FileResult, name string) load.FileResult {
	t.Helper()
	for _, r := range res {
		if filepath.Base(r.Path) == name {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, res)
	return load.FileResult{}
}

// WriteFile writes content into dir/name and returns the path.
func WriteFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// CSVLines joins lines with CRLF, as Excel writes them.
func CSVLines(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

// MustRead reads a file or fails the test.
func MustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// QueryStrings runs q on w and returns each row's columns joined by "|", in
// order, as dbtest.QueryStrings shows them.
func QueryStrings(t testing.TB, w *warehouse.Warehouse, q string, args ...any) []string {
	t.Helper()
	return dbtest.QueryStrings(t, w.DB(), q, args...)
}

// QueryInt runs a query of one integer on w.
func QueryInt(t testing.TB, w *warehouse.Warehouse, q string, args ...any) int64 {
	t.Helper()
	return dbtest.QueryInt(t, w.DB(), q, args...)
}

// Sorted is a sorted copy of s.
func Sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// ScanText returns "table.column: value" for every VARCHAR (or VARCHAR[])
// value of every table that contains one of needles.
func ScanText(t testing.TB, w *warehouse.Warehouse, needles []string, skip map[string]bool) []string {
	t.Helper()
	cols := QueryStrings(t, w, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND (data_type = 'VARCHAR' OR data_type = 'VARCHAR[]') ORDER BY 1, 2`)
	var found []string
	for _, tc := range cols {
		table, col, _ := strings.Cut(tc, "|")
		if skip[table] {
			continue
		}
		for _, v := range QueryStrings(t, w, `SELECT DISTINCT CAST("`+col+`" AS VARCHAR) FROM "`+table+`" WHERE "`+col+`" IS NOT NULL`) {
			for _, n := range needles {
				if v == n || (len(n) > 3 && strings.Contains(v, n)) {
					found = append(found, table+"."+col+": "+v)
				}
			}
		}
	}
	return found
}
