package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
)

// TestMainProcess is `revisit` itself, for tests that need a real process
// to signal: the test binary re-runs itself with REVISIT_MAIN_ARGS.
func TestMainProcess(t *testing.T) {
	args := os.Getenv("REVISIT_MAIN_ARGS")
	if args == "" {
		t.Skip("runs only as a child process of other tests")
	}
	os.Args = append([]string{"revisit"}, strings.Split(args, "\x1f")...)
	main()
}

func revisitProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
	cmd.Env = append(os.Environ(), "REVISIT_MAIN_ARGS="+strings.Join(args, "\x1f"))
	return cmd
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeHoldsTheWarehouseAndStopsCleanlyOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	env := map[string]string{"REVISIT_DB": db}
	if err := os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, env, "ingest", dir); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	code, token, stderr := runCLI(t, env, "token", "create", "--role", "admin", "--name", "ops")
	if code != 0 {
		t.Fatalf("token: %d %s", code, stderr)
	}
	token = strings.TrimSpace(token)

	addr := freeAddr(t)
	var logs bytes.Buffer
	server := revisitProcess("serve", "--db", db, "--addr", addr)
	server.Stderr = &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never became ready:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// While it runs, another command is told who holds the warehouse.
	code, _, stderr = runCLI(t, env, "stats")
	if code == 0 || !strings.Contains(stderr, "in use") || !strings.Contains(stderr, strconv.Itoa(server.Process.Pid)) {
		t.Errorf("stats while the server runs: exit %d, %q: want a clear 'in use by PID' error", code, stderr)
	}
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/imports", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("imports over the API: %v %v", res, err)
	}
	res.Body.Close()

	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if warehouse.HasWAL(db) {
		t.Error("a WAL is left after the server stopped")
	}
	if code, _, stderr := runCLI(t, env, "stats"); code != 0 {
		t.Errorf("stats after the server stopped: %d %s", code, stderr)
	}
	for _, leak := range []string{"13812345678", "张伟", token} {
		if strings.Contains(logs.String(), leak) {
			t.Errorf("the server's log holds %q", leak)
		}
	}
}

// copyDir copies the files of src into a new folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			b, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}

// counts reads the warehouse's main row counts.
func counts(t *testing.T, db string) string {
	t.Helper()
	var out string
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		st, err := w.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		out = fmt.Sprintf("profiles %d guests %d stays %d feedback %d", st.Profiles, st.Guests, st.Stays, st.Feedback)
	})
	return out
}

// waitFor reads lines of r until one contains want.
func waitFor(t *testing.T, lines *bufio.Scanner, want string) {
	t.Helper()
	for lines.Scan() {
		if strings.Contains(lines.Text(), want) {
			return
		}
	}
	t.Fatalf("never saw %q", want)
}

func TestNightKilledMidwayIsCompletedByTheNextRun(t *testing.T) {
	inbox, _ := generateHotel(t, "1500")
	os.Remove(filepath.Join(inbox, synth.ManifestName))
	reference := copyDir(t, inbox)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	outbox := filepath.Join(t.TempDir(), "outbox")

	night := revisitProcess("nightly", "--db", db, "--inbox", inbox, "--outbox", outbox, "--as-of", "2026-11-26")
	stderr, _ := night.StderrPipe()
	if err := night.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	waitFor(t, lines, "loaded ") // the first file is in: the night is under way
	night.Process.Signal(syscall.SIGKILL)
	night.Wait()

	env := map[string]string{"REVISIT_DB": db}
	code, stdout, errOut := runCLI(t, env, "nightly", "--inbox", inbox, "--outbox", outbox, "--as-of", "2026-11-26", "--json")
	if code != 0 {
		t.Fatalf("the next run: %d %s", code, errOut)
	}
	if !strings.Contains(stdout, `"succeeded"`) {
		t.Errorf("the next run: %s", stdout)
	}
	if left, err := filepath.Glob(filepath.Join(inbox, "*.csv")); err != nil || len(left) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("files left in the inbox: %d", len(left))
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		runs, err := w.JobRuns(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, r := range runs {
			statuses = append(statuses, r.Status)
		}
		if strings.Join(statuses, " ") != "succeeded interrupted" {
			t.Errorf("the history: %v", statuses)
		}
	})
	// Nothing lost, nothing twice: the same counts as one clean night.
	clean := filepath.Join(t.TempDir(), "clean.duckdb")
	if code, _, errOut := runCLI(t, map[string]string{"REVISIT_DB": clean}, "nightly", "--inbox", reference, "--as-of", "2026-11-26"); code != 0 {
		t.Fatalf("the clean night: %s", errOut)
	}
	if got, want := counts(t, db), counts(t, clean); got != want {
		t.Errorf("after a killed night: %s\nwant (one clean night): %s", got, want)
	}
}

func TestSIGTERMMidNightStopsCleanly(t *testing.T) {
	inbox, _ := generateHotel(t, "1500")
	os.Remove(filepath.Join(inbox, synth.ManifestName))
	db := filepath.Join(t.TempDir(), "w.duckdb")
	outbox := filepath.Join(t.TempDir(), "outbox")
	server := revisitProcess("serve", "--db", db, "--addr", freeAddr(t), "--inbox", inbox, "--outbox", outbox)
	stderr, _ := server.StderrPipe()
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	lines := bufio.NewScanner(stderr)
	waitFor(t, lines, `"msg":"nightly run"`) // the catch-up of last night started
	started := time.Now()
	server.Process.Signal(syscall.SIGTERM)
	go func() {
		for lines.Scan() {
		}
	}()
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM mid-night: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop within a minute of SIGTERM")
	}
	t.Logf("stopped %.1fs after SIGTERM", time.Since(started).Seconds())
	if warehouse.HasWAL(db) {
		t.Error("a WAL is left")
	}
	if half, err := filepath.Glob(filepath.Join(outbox, ".writing-*")); err != nil || len(half) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("half-written files in the outbox: %v", half)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		runs, err := w.JobRuns(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 0 || runs[0].Status == warehouse.JobRunning {
			t.Errorf("the stopped night's record: %+v", runs)
		}
	})
}
