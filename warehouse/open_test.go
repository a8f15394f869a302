package warehouse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesOnceAndClosesWithoutWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	for range 2 {
		w, err := Open(ctx, Config{Path: path, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, w, "SELECT count(*) FROM schema_migrations"); n != int64(SchemaVersion()) {
			t.Errorf("migrations recorded: %d, want %d", n, SchemaVersion())
		}
		var zone string
		w.DB().QueryRowContext(ctx, "SELECT current_setting('TimeZone')").Scan(&zone)
		if zone != "Asia/Shanghai" {
			t.Errorf("time zone %q", zone)
		}
		var ext string
		w.DB().QueryRowContext(ctx, "SELECT current_setting('autoinstall_known_extensions')::VARCHAR").Scan(&ext)
		if ext != "false" {
			t.Errorf("autoinstall_known_extensions = %q", ext)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if HasWAL(path) {
			t.Fatal("a WAL is left after Close")
		}
	}
}

func TestOpenRefusesASchemaNewerThanItKnows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, "INSERT INTO schema_migrations VALUES (999, '0999_future.sql', now())"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	_, err = Open(ctx, Config{Path: path, Threads: 1})
	if err == nil || !strings.Contains(err.Error(), "newer than this program") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func TestOpenRejectsABadTimeZone(t *testing.T) {
	_, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), TimeZone: "Asia/Shanghai'; DROP TABLE x; --"})
	if err == nil {
		t.Fatal("a time zone with SQL in it was accepted")
	}
}

func TestInBackgroundLeavesACoreAndGivesItBack(t *testing.T) {
	w, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	threads := func() int {
		n, err := w.Threads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	err = w.InBackground(ctx, func() error {
		if n := threads(); n != 1 {
			t.Errorf("in the background DuckDB runs on %d threads, want 1", n)
		}
		return w.InBackground(ctx, func() error { return nil }) // an overlapping job ends first
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 2 {
		t.Errorf("after the background jobs DuckDB runs on %d threads, want 2", n)
	}
}

// A warehouse that must exist is never made from a mistyped path: the
// error names the path and nothing is left on disk; an existing one opens.
func TestOpenMustExistCreatesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct{ name, path, why string }{
		{"missing file", filepath.Join(dir, "revisit.duckb"), "no such file"},
		{"missing folder", filepath.Join(dir, "nowhere", "w.duckdb"), "no such file"},
		{"a folder", dir, "folder"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := Open(ctx, Config{Path: c.path, Threads: 1, MustExist: true})
			if err == nil {
				w.Close()
				t.Fatal("opened a warehouse that is not there")
			}
			var missing *MissingError
			if !errors.Is(err, ErrNoWarehouse) || !errors.As(err, &missing) || missing.Path != c.path ||
				!strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("error %v: want a MissingError naming %s (%s)", err, c.path, c.why)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
	path := filepath.Join(dir, "w.duckdb")
	w, err := Open(ctx, Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(ctx, Config{Path: path, Threads: 1, MustExist: true})
	if err != nil {
		t.Fatalf("an existing warehouse: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
