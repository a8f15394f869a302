package load_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/csvstage"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// The helper process: re-run of this test binary, told by the environment
// what to do with which warehouse.
func TestHelperProcess(t *testing.T) {
	what := os.Getenv("WAREHOUSE_HELPER")
	if what == "" {
		t.Skip("runs only as a child process of other tests")
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: os.Getenv("WAREHOUSE_DB"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	switch what {
	case "hold":
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	case "import":
		opt := whtest.Options()
		opt.Progress = func(p load.Progress) { fmt.Printf("%s %d\n", p.Phase, p.Rows) }
		_, err := load.Files(ctx, w, strings.Split(os.Getenv("WAREHOUSE_FILES"), ","), opt)
		if err != nil {
			fmt.Println("import:", err)
			os.Exit(4)
		}
	}
	w.Close()
	os.Exit(0)
}

func helper(t *testing.T, what, db string, extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "WAREHOUSE_HELPER="+what, "WAREHOUSE_DB="+db)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestSecondProcessIsToldWhoHoldsTheWarehouse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "held.duckdb")
	child := helper(t, "hold", db)
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer stdin.Close()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("child said %q", line)
	}
	_, err := warehouse.Open(context.Background(), warehouse.Config{Path: db, Threads: 1})
	var inUse *warehouse.InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, warehouse.ErrInUse) {
		t.Fatalf("open of a held warehouse: %v; want an InUseError", err)
	}
	want := fmt.Sprintf("the warehouse is in use by PID %d", child.Process.Pid)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not say %q", err, want)
	}
}

func TestKill9MidLoadLeavesNothingAndTheRerunLoadsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a million rows")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.duckdb")
	guests, stays := whtest.WriteBigStays(t, dir, 1_000_000)

	// Guests first, cleanly; then kill the stays load half way.
	if out, err := helper(t, "import", db, "WAREHOUSE_FILES="+guests).Output(); err != nil {
		t.Fatalf("guests: %v\n%s", err, out)
	}
	child := helper(t, "import", db, "WAREHOUSE_FILES="+stays)
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "rows ") { // 500,000 rows appended, transaction open
			child.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	child.Wait()
	if !killed {
		t.Fatal("the load finished before it could be killed")
	}

	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: db, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM stays"); n != 0 {
		t.Errorf("%d stays survived a killed load", n)
	}
	if left, err := filepath.Glob(filepath.Join(dir, csvstage.Prefix(db)+"*")); err != nil || len(left) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("the killed load's staging files are still there after reopening: %v", left)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM imports WHERE kind = 'stays'"); n != 0 {
		t.Errorf("%d stays imports recorded by a killed load", n)
	}
	res, err := load.Files(context.Background(), w, []string{stays, stays}, whtest.Options())
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != load.StatusLoaded || res[0].Loaded != 1_000_000 || res[1].Status != load.StatusSkipped {
		t.Errorf("re-run: %+v", res)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM stays"); n != 1_000_000 {
		t.Errorf("stays after re-run: %d", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if warehouse.HasWAL(db) {
		t.Error("Close left a write-ahead log behind")
	}
}
