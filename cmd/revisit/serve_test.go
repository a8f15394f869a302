package main

import (
	"bytes"
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

	"revisit/warehouse"
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
	os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644)
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
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/imports", nil)
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
