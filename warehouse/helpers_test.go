package warehouse

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	return strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), "\n", " "))
}

func queryInt(t *testing.T, w *Warehouse, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
