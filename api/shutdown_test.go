package api

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// bigAnalysis saves an analysis of n guests, enough for a download that
// outlasts the socket buffers.
func (h *hotel) bigAnalysis(t *testing.T, n int) {
	t.Helper()
	day := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	run := &warehouse.AnalysisRun{AsOf: day, ComputedAt: time.Now(), Guests: int64(n), SelectedModel: "rhythm"}
	for i := range n {
		run.Metrics = append(run.Metrics, warehouse.GuestMetric{GuestID: fmt.Sprintf("B%07d", i), Visits: 1 + i%9,
			FirstVisit: day.AddDate(-2, 0, 0), LastVisit: day.AddDate(0, 0, -i%300), Segment: "regular"})
	}
	if err := h.w.SaveAnalysis(context.Background(), run); err != nil {
		t.Fatal(err)
	}
}

func TestShutdownMidDownloadFinishesTheFile(t *testing.T) {
	h := newHotel(t)
	const guests = 150_000
	h.bigAnalysis(t, guests)
	srv, err := New(Config{ShutdownGrace: 60 * time.Second}, h.w, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
	base := "http://" + ln.Addr().String()

	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/exports/guests.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.tokens["manager"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	body := bufio.NewReaderSize(res.Body, 1<<16)
	if _, err := body.Peek(1 << 16); err != nil { // the first 64 KiB are here: the download is under way
		t.Fatal(err)
	}

	cancel() // SIGTERM
	deadline := time.Now().Add(10 * time.Second)
	for srv.Ready() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Ready() {
		t.Fatal("the server still says it is ready after shutdown began")
	}
	select {
	case err := <-done:
		t.Fatalf("the server stopped with a download in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}

	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("the download broke off after shutdown began: %v", err)
	}
	all := rest // Peek consumed nothing
	if lines := bytes.Count(all, []byte("\n")); lines != guests+1 {
		t.Errorf("the file has %d lines, want %d (header + every guest)", lines, guests+1)
	}
	if !strings.HasSuffix(string(all), "\n") {
		t.Error("the file ends mid-row")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop once the download finished")
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}
