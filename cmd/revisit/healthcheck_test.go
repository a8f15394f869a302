package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api"
	"github.com/revisit-hotel/revisit/warehouse"
)

func TestHealthFollowsARealServerUpAndDown(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 1, MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	addrc, done := make(chan string, 1), make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- serveWarehouse(ctx, w, api.Config{Addr: "127.0.0.1:0"}, "off", log, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	_, port, _ := net.SplitHostPort(addr)

	// The image's HEALTHCHECK runs `revisit health` with the server's own
	// REVISIT_ADDR, which listens on every address.
	env := map[string]string{"REVISIT_ADDR": ":" + port}
	if code, _, stderr := runCLI(t, env, "health"); code != 0 {
		t.Fatalf("health of a running server: exit %d %s", code, stderr)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	code, _, stderr := runCLI(t, env, "health", "--timeout", "2s")
	if code != 1 || !strings.Contains(stderr, "health check") {
		t.Errorf("health of a stopped server: exit %d %q, want 1 and a reason", code, stderr)
	}
}

func TestHealthAnswers(t *testing.T) {
	answering := func(status int, delay time.Duration) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.WriteHeader(status)
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/livez"
	}
	tests := []struct {
		name      string
		args      []string
		code      int
		stderrHas string
	}{
		{"alive", []string{"--url", answering(200, 0)}, 0, ""},
		{"shutting down", []string{"--url", answering(503, 0)}, 1, "503"},
		{"too slow", []string{"--url", answering(200, 500*time.Millisecond), "--timeout", "50ms"}, 1, "deadline"},
		{"nobody listening", []string{"--url", "http://" + freeAddr(t) + "/livez"}, 1, "refused"},
		{"bad flag", []string{"--timeout", "soon"}, exitUsage, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, append([]string{"health"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("exit %d %q, want %d and %q", code, stderr, tt.code, tt.stderrHas)
			}
		})
	}
}

func TestHealthDefaultURLFollowsTheListenAddress(t *testing.T) {
	tests := []struct{ addr, want string }{
		{":8080", "http://127.0.0.1:8080/livez"},
		{"0.0.0.0:9000", "http://127.0.0.1:9000/livez"},
		{"[::]:9000", "http://127.0.0.1:9000/livez"},
		{"10.0.0.5:8080", "http://10.0.0.5:8080/livez"},
		{"[::1]:8080", "http://[::1]:8080/livez"},
	}
	for _, tt := range tests {
		if got := livezURL(tt.addr); got != tt.want {
			t.Errorf("livezURL(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
