package main

import (
	"context"
	"database/sql"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
)

// nightlyStamp scrapes /metrics and returns the nightly last-success stamp
// (0 while it is unset).
func nightlyStamp(t *testing.T, base string) (float64, bool) {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, false // not listening yet
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "revisit_nightly_last_success_timestamp_seconds "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("the stamp %q: %v", v, err)
			}
			return f, true
		}
	}
	t.Fatalf("no revisit_nightly_last_success_timestamp_seconds in /metrics:\n%s", body)
	return 0, false
}

// serveFor runs `revisit serve` in-process until stop is called.
func serveFor(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	var out, errOut lockedBuffer
	e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, e, append([]string{"serve", "--addr", addr}, args...)) }()
	return "http://" + addr, func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve stopped with %d:\n%s", code, errOut.String())
		}
	}
}

// TestNightlyStampIsSetAfterAGoodNight: the night a start catches up sets
// revisit_nightly_last_success_timestamp_seconds, and a restart begins from
// the history rather than from 0.
func TestNightlyStampIsSetAfterAGoodNight(t *testing.T) {
	inbox, _ := generateHotel(t, "300")
	if err := os.Remove(filepath.Join(inbox, synth.ManifestName)); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "w.duckdb")
	started := time.Now()
	base, stop := serveFor(t, "--db", db, "--inbox", inbox)
	var stamp float64
	for deadline := time.Now().Add(2 * time.Minute); stamp == 0; time.Sleep(100 * time.Millisecond) {
		stamp, _ = nightlyStamp(t, base)
		if time.Now().After(deadline) {
			stop()
			t.Fatal("no nightly stamp after the night caught up at start")
		}
	}
	stop()

	// The history, read on its own, says when the night ended.
	var finished time.Time
	var status string
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		var f sql.NullTime
		if err := w.DB().QueryRowContext(context.Background(),
			`SELECT status, finished_at FROM job_runs WHERE job = 'nightly' ORDER BY run_id DESC LIMIT 1`).Scan(&status, &f); err != nil {
			t.Fatal(err)
		}
		finished = f.Time
	})
	ended := float64(finished.UnixNano()) / 1e9
	if status != warehouse.JobSucceeded || stamp < ended || stamp < float64(started.Unix()) || stamp > float64(time.Now().Unix()+1) {
		t.Errorf("the stamp %f: want the moment the night (%s, ended %f) was seen to succeed", stamp, status, ended)
	}

	// A restart that runs no night starts from the history.
	base, stop = serveFor(t, "--db", db, "--nightly", "off")
	defer stop()
	var again float64
	for ok, deadline := false, time.Now().Add(time.Minute); !ok; time.Sleep(50 * time.Millisecond) {
		if again, ok = nightlyStamp(t, base); !ok && time.Now().After(deadline) {
			t.Fatal("the restarted server never answered /metrics")
		}
	}
	if math.Abs(again-ended) > 1e-3 {
		t.Errorf("after a restart the stamp is %f, want the last good night's end %f", again, ended)
	}
}
