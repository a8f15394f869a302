package api

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// scrapeMetrics reads the exposition over real HTTP, as Prometheus would.
func scrapeMetrics(t *testing.T, m *metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.handler())
	defer srv.Close()
	return fetch(t, http.MethodGet, srv.URL, http.StatusOK)
}

// fetch sends one request and returns the body, failing unless the status
// is want.
func fetch(t *testing.T, method, url string, want int) string {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d", method, url, res.StatusCode, want)
	}
	return string(b)
}

// metricValue finds the sample of series (name and labels exactly as
// exposed, labels in name order) in a text exposition.
func metricValue(t *testing.T, exposition, series string) (float64, bool) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(exposition))
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), series+" ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s: value %q: %v", series, v, err)
		}
		return f, true
	}
	return 0, false
}

// wantMetric fails unless series is exposed with value want.
func wantMetric(t *testing.T, exposition, series string, want float64) {
	t.Helper()
	got, ok := metricValue(t, exposition, series)
	if !ok {
		t.Errorf("%s missing", series)
	} else if got != want {
		t.Errorf("%s = %g, want %g", series, got, want)
	}
}

// revisitLabels lists the label sets of Revisit's own samples.
func revisitLabels(exposition string) []string {
	var sets []string
	for line := range strings.Lines(exposition) {
		if !strings.HasPrefix(line, "revisit_") {
			continue
		}
		if i, j := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}'); i >= 0 && j > i {
			sets = append(sets, line[i:j+1])
		}
	}
	return sets
}

func TestMetricsHTTPLabelsAreRouteTemplatesNotPaths(t *testing.T) {
	m := newMetrics()
	r := gin.New()
	r.Use(m.middleware())
	r.GET("/api/v1/things/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/metrics", gin.WrapH(m.handler()))
	srv := httptest.NewServer(r)
	defer srv.Close()

	q := url.Values{"name": {"张伟"}, "mobile": {"13800138000"}}
	fetch(t, http.MethodGet, srv.URL+"/api/v1/things/123?"+q.Encode(), http.StatusOK)
	fetch(t, http.MethodGet, srv.URL+"/no/such/"+url.PathEscape("张伟")+"/456", http.StatusNotFound)
	fetch(t, "ZHANGWEI123", srv.URL+"/api/v1/things/789", http.StatusNotFound)
	body := fetch(t, http.MethodGet, srv.URL+"/metrics", http.StatusOK)

	for _, c := range []struct {
		series string
		want   float64
	}{
		{`revisit_http_requests_total{method="GET",route="/api/v1/things/:id",status="200"}`, 1},
		{`revisit_http_request_duration_seconds_count{method="GET",route="/api/v1/things/:id"}`, 1},
		{`revisit_http_request_duration_seconds_bucket{method="GET",route="/api/v1/things/:id",le="+Inf"}`, 1},
		{`revisit_http_requests_total{method="GET",route="unmatched",status="404"}`, 1},
		{`revisit_http_request_duration_seconds_count{method="GET",route="unmatched"}`, 1},
		{`revisit_http_requests_total{method="other",route="unmatched",status="404"}`, 1},
	} {
		wantMetric(t, body, c.series, c.want)
	}
	if _, ok := metricValue(t, body, `revisit_http_request_duration_seconds_bucket{method="GET",route="/api/v1/things/:id",le="0.05"}`); !ok {
		t.Error("no bucket at the 50 ms target")
	}
	for _, leak := range []string{"张伟", url.QueryEscape("张伟"), "13800138000", "ZHANGWEI"} {
		if strings.Contains(body, leak) {
			t.Errorf("the exposition carries %q", leak)
		}
	}
	for _, set := range revisitLabels(body) {
		for _, id := range []string{"123", "456", "789"} {
			if strings.Contains(set, id) {
				t.Errorf("label set %s carries the path's %q", set, id)
			}
		}
	}
	if !strings.Contains(body, "\ngo_goroutines ") {
		t.Error("the Go collector is not registered")
	}
}

func TestMetricsImport(t *testing.T) {
	m := newMetrics()
	m.observeImport([]load.FileResult{
		{Path: "stays-1.csv", Kind: "stays", Status: load.StatusLoaded, Rows: 100, Loaded: 98, Rejected: 2},
		{Path: "stays-2.csv", Kind: "stays", Status: load.StatusFailed, Rows: 100, Loaded: 0, Rejected: 40},
		{Path: "guests.csv", Kind: "guests", Status: load.StatusSkipped},
		{Path: "张伟.xlsx", Kind: "", Status: load.StatusFailed},
		{Path: "odd.csv", Kind: "张伟", Status: "odd", Loaded: 5},
	})
	body := scrapeMetrics(t, m)
	for _, c := range []struct {
		series string
		want   float64
	}{
		{`revisit_ingest_files_total{kind="stays",status="loaded"}`, 1},
		{`revisit_ingest_files_total{kind="stays",status="failed"}`, 1},
		{`revisit_ingest_files_total{kind="guests",status="skipped"}`, 1},
		{`revisit_ingest_files_total{kind="unknown",status="failed"}`, 1},
		{`revisit_ingest_files_total{kind="unknown",status="unknown"}`, 1},
		{`revisit_ingest_rows_total{kind="stays",result="loaded"}`, 98},
		{`revisit_ingest_rows_total{kind="stays",result="rejected"}`, 42},
		// Known kinds start at zero, so the first import shows as an increase.
		{`revisit_ingest_rows_total{kind="feedback",result="loaded"}`, 0},
		{`revisit_ingest_files_total{kind="roster",status="failed"}`, 0},
	} {
		t.Run(c.series, func(t *testing.T) { wantMetric(t, body, c.series, c.want) })
	}
	if _, ok := metricValue(t, body, `revisit_ingest_rows_total{kind="unknown",result="loaded"}`); ok {
		t.Error("rows of a result with no known status were counted as loaded")
	}
	if strings.Contains(body, "张伟") {
		t.Error("a file name or kind reached a label")
	}
}

func TestMetricsJobs(t *testing.T) {
	m := newMetrics()
	at := time.Date(2026, 11, 22, 3, 30, 0, 0, time.UTC)
	m.now = func() time.Time { return at }
	m.observeJob("nightly", 90*time.Second, nil)
	m.observeJob("targets", 2*time.Second, errors.New("warehouse: locked"))
	body := scrapeMetrics(t, m)
	stamp := float64(at.Unix())
	for _, c := range []struct {
		series string
		want   float64
	}{
		{`revisit_job_duration_seconds_count{job="nightly"}`, 1},
		{`revisit_job_duration_seconds_sum{job="nightly"}`, 90},
		{`revisit_job_duration_seconds_bucket{job="nightly",le="60"}`, 0},
		{`revisit_job_duration_seconds_bucket{job="nightly",le="120"}`, 1},
		{`revisit_job_failures_total{job="nightly"}`, 0},
		{`revisit_job_last_success_timestamp_seconds{job="nightly"}`, stamp},
		{`revisit_nightly_last_success_timestamp_seconds`, stamp},
		{`revisit_job_duration_seconds_count{job="targets"}`, 1},
		{`revisit_job_failures_total{job="targets"}`, 1},
	} {
		t.Run(c.series, func(t *testing.T) { wantMetric(t, body, c.series, c.want) })
	}
	if _, ok := metricValue(t, body, `revisit_job_last_success_timestamp_seconds{job="targets"}`); ok {
		t.Error("a failed job has a last success")
	}

	// A later success of another job leaves the nightly stamp alone.
	m.now = func() time.Time { return at.Add(time.Hour) }
	m.observeJob("targets", time.Second, nil)
	body = scrapeMetrics(t, m)
	wantMetric(t, body, `revisit_nightly_last_success_timestamp_seconds`, stamp)
	wantMetric(t, body, `revisit_job_last_success_timestamp_seconds{job="targets"}`, stamp+3600)
}

// TestMetricsJobsStartFromTheHistory: a night that succeeded before the
// server started (a previous process, 'revisit nightly') is the nightly
// stamp at start; a failed or later-seen older run never moves it back.
func TestMetricsJobsStartFromTheHistory(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	m := newMetrics()
	if err := m.seedJobs(ctx, w); err != nil {
		t.Fatal(err)
	}
	if _, ok := metricValue(t, scrapeMetrics(t, m), `revisit_job_last_success_timestamp_seconds{job="nightly"}`); ok {
		t.Error("a stamp with no history")
	}
	run := func(job string, night *time.Time, started time.Time, status string) {
		id, err := w.StartJob(ctx, job, night, "cli", started)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.FinishJob(ctx, id, status, "[]", "", started.Add(90*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	n1, n2 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	good := time.Date(2026, 11, 21, 2, 0, 0, 0, shanghai)
	run("nightly", &n1, good, warehouse.JobSucceeded)
	run("nightly", &n2, good.Add(24*time.Hour), warehouse.JobFailed)
	run("escalation", nil, good.Add(25*time.Hour), warehouse.JobSucceeded)
	if err := m.seedJobs(ctx, w); err != nil {
		t.Fatal(err)
	}
	body := scrapeMetrics(t, m)
	// 2026-11-21 02:01:30 in Shanghai is 2026-11-20 18:01:30 UTC.
	stamp := float64(time.Date(2026, 11, 20, 18, 1, 30, 0, time.UTC).Unix())
	wantMetric(t, body, `revisit_nightly_last_success_timestamp_seconds`, stamp)
	wantMetric(t, body, `revisit_job_last_success_timestamp_seconds{job="nightly"}`, stamp)
	wantMetric(t, body, `revisit_job_last_success_timestamp_seconds{job="escalation"}`, stamp+25*3600)

	// A run seen now moves it on; the history read again does not take it back.
	later := time.Date(2026, 11, 23, 2, 0, 0, 0, shanghai)
	m.now = func() time.Time { return later }
	m.observeJob("nightly", time.Minute, nil)
	if err := m.seedJobs(ctx, w); err != nil {
		t.Fatal(err)
	}
	wantMetric(t, scrapeMetrics(t, m), `revisit_nightly_last_success_timestamp_seconds`, float64(later.Unix()))
}
