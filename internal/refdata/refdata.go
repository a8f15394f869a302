// Package refdata opens the reference data that nobody on the team wrote —
// the CDNOW purchase histories, real hotel reviews — for tests. It lives in
// the shared folder beside the checkout (../shared/data from the module
// root) and is never copied into the repository.
//
// REVISIT_SHARED_DATA names another folder; REVISIT_SHARED_DATA=required
// (set in CI) keeps the default folder but turns a missing file from a
// skipped test into a failed one, so a check against published results
// cannot quietly stop running.
package refdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Open opens the reference file at rel (slash-separated, below the data
// folder), skipping the test when it is absent, or failing it when
// REVISIT_SHARED_DATA=required. The file is closed when the test ends.
func Open(t testing.TB, rel string) *os.File {
	t.Helper()
	dir, err := folder()
	if err != nil {
		missing(t, err.Error())
	}
	path := filepath.Join(dir, filepath.FromSlash(rel))
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		missing(t, path+" not found")
	}
	if err != nil {
		t.Fatalf("refdata: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// missing skips the test, or fails it when the data is required.
func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("REVISIT_SHARED_DATA") == "required" {
		t.Fatalf("refdata: %s, and REVISIT_SHARED_DATA=required", why)
	}
	t.Skipf("refdata: %s (the shared reference data: set REVISIT_SHARED_DATA to its folder)", why)
}

// folder is $REVISIT_SHARED_DATA, or ../shared/data beside the module root
// (the nearest folder with a go.mod above the working directory).
func folder() (string, error) {
	if env := os.Getenv("REVISIT_SHARED_DATA"); env != "" && env != "required" {
		return env, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
