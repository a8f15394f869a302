package api

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/internal/dbtest"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

var shanghai = dbtest.Shanghai

// hotel is a warehouse with a roster, two guests and their callback tasks,
// and a token per role.
type hotel struct {
	w      *warehouse.Warehouse
	tokens map[string]string // name → secret
	taskOf map[string]int64  // owner → task id
	caseID int64             // B01's recovery case, once caseOf opened it
}

func newHotel(t *testing.T) *hotel {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(dir, "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	files := map[string]string{
		"roster.csv": "员工号,姓名,组别,主管\nB01,李伟香,客服管家,B09\nB02,郭笑颜,客服管家,B09\nB09,范志伟,客服管家,B09\nC01,宋雅婷,餐饮管家,C01\n",
		"guests.csv": "客户编号,姓名,手机\nG1,张伟,13812345678\nG2,李娜,13900002222\nG3,王芳,13900003333\n",
		"stays.csv":  "单号,客户编号,到店时间,离店时间,管家\nS1,G1,2026-11-20 15:00,2026-11-22 11:00,B01\nS2,G2,2026-11-21 15:00,2026-11-22 10:00,B02\nS3,G3,2026-11-21 18:00,2026-11-22 09:00,C01\n",
	}
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := load.Files(ctx, w, paths, load.Options{Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}); err != nil {
		t.Fatal(err)
	}
	if _, err := callback.Generate(ctx, w, callback.GenerateOptions{AsOf: time.Date(2026, 11, 22, 12, 0, 0, 0, shanghai), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	h := &hotel{w: w, tokens: map[string]string{}, taskOf: map[string]int64{}}
	tasks, err := w.Tasks(ctx, warehouse.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		h.taskOf[tk.Owner] = tk.ID
	}
	for name, spec := range map[string][2]string{
		"admin": {roles.Admin, ""}, "manager": {roles.Manager, ""}, "marketing": {roles.Marketing, ""},
		"butler B01": {roles.Butler, "B01"}, "butler B02": {roles.Butler, "B02"}, "lead B09": {roles.Lead, "B09"},
	} {
		secret, _, err := w.CreateToken(ctx, name, spec[0], spec[1], nil, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[name] = secret
	}
	return h
}

func (h *hotel) server(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	srv, err := New(cfg, h.w, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after ts.Close: the background work requests left
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestRolesAndScopesOfTheCallbackList(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	b01Task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	cases := []struct {
		who, url string
		status   int
		items    int // for lists: how many tasks the caller sees
	}{
		{"", ts.URL + "/api/v1/callbacks", 401, -1},
		{"not a token", ts.URL + "/api/v1/callbacks", 401, -1},
		{"marketing", ts.URL + "/api/v1/callbacks", 403, -1},
		{"butler B01", ts.URL + "/api/v1/callbacks", 200, 1},
		{"butler B02", ts.URL + "/api/v1/callbacks", 200, 1},
		{"lead B09", ts.URL + "/api/v1/callbacks", 200, 2},
		{"manager", ts.URL + "/api/v1/callbacks", 200, 3},
		{"admin", ts.URL + "/api/v1/callbacks", 200, 3},
		{"butler B01", b01Task, 200, -1},
		{"butler B02", b01Task, 404, -1}, // another butler's task does not exist for them
		{"lead B09", b01Task, 200, -1},
		{"lead B09", ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["C01"]), 404, -1}, // another team's
		{"manager", ts.URL + "/api/v1/callbacks/99999", 404, -1},
		{"manager", ts.URL + "/api/v1/nowhere", 404, -1},
	}
	for _, tc := range cases {
		token := h.tokens[tc.who]
		if tc.who == "not a token" {
			token = "rvk_nonsense"
		}
		res, body := get(t, tc.url, token)
		if res.StatusCode != tc.status {
			t.Errorf("%s GET %s: %d, want %d (%v)", tc.who, strings.TrimPrefix(tc.url, ts.URL), res.StatusCode, tc.status, body)
			continue
		}
		if tc.status >= 400 {
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" || body["type"] == nil || body["request_id"] == nil || body["status"] != float64(tc.status) {
				t.Errorf("%s: error is not problem+json: %s %v", tc.who, ct, body)
			}
		}
		if tc.items >= 0 {
			if items, _ := body["items"].([]any); len(items) != tc.items {
				t.Errorf("%s sees %d tasks, want %d", tc.who, len(items), tc.items)
			}
		}
	}
}

func TestHealthRateLimitAndBodyLimit(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{RatePerMinute: 2, BodyLimit: 100})
	for _, p := range []string{"/livez", "/readyz"} {
		if res, _ := get(t, ts.URL+p, ""); res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	tok := h.tokens["manager"]
	get(t, ts.URL+"/api/v1/callbacks", tok)
	get(t, ts.URL+"/api/v1/callbacks", tok)
	res, body := get(t, ts.URL+"/api/v1/callbacks", tok)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("third request of two a minute: %d, Retry-After %q, %v", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/callbacks", strings.NewReader(strings.Repeat("x", 1000)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.tokens["admin"])
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 413 {
		t.Errorf("an oversized body: %d, want 413", r2.StatusCode)
	}
}

func TestGracefulShutdownFinishesInFlightAndReadyzSaysSo(t *testing.T) {
	h := newHotel(t)
	srv, err := New(Config{ShutdownGrace: 5 * time.Second}, h.w, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	if res, _ := get(t, url+"/readyz", ""); res.StatusCode != 200 {
		t.Fatalf("readyz before shutdown: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop within its grace period")
	}
	if _, err := http.Get(url + "/livez"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
