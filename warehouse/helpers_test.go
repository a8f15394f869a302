package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"revisit/ingest"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// openTemp opens a fresh warehouse in a temp dir and closes it at the end.
func openTemp(t *testing.T) *Warehouse {
	t.Helper()
	w, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
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

func testOptions() ImportOptions {
	return ImportOptions{Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789")), DefaultProperty: "丽都"}}
}

// writeFile writes content into dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// csvLines joins lines with CRLF, as Excel writes them.
func csvLines(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

func importAll(t *testing.T, w *Warehouse, opt ImportOptions, paths ...string) []FileResult {
	t.Helper()
	res, err := w.Import(context.Background(), paths, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// queryStrings runs q and returns each row's columns joined by "|", in order.
func queryStrings(t *testing.T, w *Warehouse, q string, args ...any) []string {
	t.Helper()
	rows, err := w.DB().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = formatValue(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.In(shanghai).Format("2006-01-02 15:04")
	case []byte:
		return string(x)
	}
	return strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", " "))
}

func queryInt(t *testing.T, w *Warehouse, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func resultByName(t *testing.T, res []FileResult, name string) FileResult {
	t.Helper()
	for _, r := range res {
		if filepath.Base(r.Path) == name {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, res)
	return FileResult{}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
