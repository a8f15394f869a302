package refdata

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenMissingChild is run only as a child process by the tests below:
// it opens a file that is never there.
func TestOpenMissingChild(t *testing.T) {
	if os.Getenv("REFDATA_CHILD") != "1" {
		t.Skip("runs only as a child process of other tests")
	}
	Open(t, "cdnow/never-there.txt")
	t.Log("opened a file that is not there")
}

// child runs TestOpenMissingChild in a new process, in dir, with
// REVISIT_SHARED_DATA set to shared, and returns its exit error and output.
func child(t *testing.T, dir, shared string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenMissingChild$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REFDATA_CHILD=1", "REVISIT_SHARED_DATA="+shared)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// A reference file that is missing skips its test on a developer's machine,
// and fails it where REVISIT_SHARED_DATA=required (CI), so a check against
// published results cannot quietly stop running.
func TestMissingDataSkipsUnlessRequired(t *testing.T) {
	empty := t.TempDir()
	out, err := child(t, empty, empty)
	if err != nil || !strings.Contains(out, "--- SKIP: TestOpenMissingChild") || !strings.Contains(out, "never-there.txt not found") {
		t.Errorf("a missing file with REVISIT_SHARED_DATA=%s: %v\n%s\nwant a skip naming the file", empty, err, out)
	}

	// A module root (a go.mod) without ../shared/data beside it.
	root := t.TempDir()
	mod := filepath.Join(root, "mod")
	if err := os.MkdirAll(filepath.Join(mod, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = child(t, filepath.Join(mod, "pkg"), "required")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(out, "--- FAIL: TestOpenMissingChild") || !strings.Contains(out, "REVISIT_SHARED_DATA=required") {
		t.Errorf("a missing file with REVISIT_SHARED_DATA=required: %v\n%s\nwant a failure saying so", err, out)
	}
	if strings.Contains(out, "opened a file that is not there") {
		t.Error("the test went on past the missing file")
	}
}

// REVISIT_SHARED_DATA names the folder; "required" keeps the default one,
// ../shared/data beside the module root.
func TestOpenFindsTheFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cdnow"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdnow", "x.txt"), []byte("00001 19970101 1 29.33\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REVISIT_SHARED_DATA", dir)
	got, err := io.ReadAll(Open(t, "cdnow/x.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "00001 19970101 1 29.33\n" {
		t.Errorf("read %q", got)
	}
}
