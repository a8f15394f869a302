package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// metrics is the server's Prometheus registry (one per Server, not the
// global default, so tests can build many servers).
//
// Every label value comes from a fixed set or a route template, never from
// the request or the data: a raw path or query string would carry guest
// names and IDs into the monitoring system, and one series per URL would
// grow without bound.
type metrics struct {
	reg *prometheus.Registry
	now func() time.Time // stamps last successes; tests set it

	httpRequests *prometheus.CounterVec   // method, route, status
	httpDuration *prometheus.HistogramVec // method, route

	ingestRows  *prometheus.CounterVec // kind, result
	ingestFiles *prometheus.CounterVec // kind, status

	jobDuration    *prometheus.HistogramVec // job
	jobFailures    *prometheus.CounterVec   // job
	jobLastSuccess *prometheus.GaugeVec     // job
	nightlySuccess prometheus.Gauge

	// lastMu guards last, the stamps the gauges hold: a stamp only moves
	// forward, whether it comes from a run seen now or from the history.
	lastMu sync.Mutex
	last   map[string]time.Time
}

// Label values that stand for anything outside the fixed sets.
const (
	routeUnmatched = "unmatched"
	methodOther    = "other"
	kindUnknown    = "unknown"
	statusUnknown  = "unknown"
)

// nightlyJob is the job whose success also sets
// revisit_nightly_last_success_timestamp_seconds, the one series an alert
// on a stale warehouse needs.
const nightlyJob = "nightly"

// httpBuckets resolve the region around the 50 ms p99 target finely and
// still place slow exports and downloads (up to 30 s).
var httpBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// jobBuckets span jobs from a second to a long nightly run.
var jobBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200}

// httpMethods are the methods kept as label values; any other is "other".
var httpMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// fileStatuses are the FileResult statuses kept as label values.
var fileStatuses = []string{load.StatusLoaded, load.StatusSkipped, load.StatusFailed}

// newMetrics builds the registry with the Go and process collectors and
// Revisit's own metrics. Ingest series of every known kind start at zero so
// that rate() and increase() see the first file.
func newMetrics() *metrics {
	m := &metrics{
		reg:  prometheus.NewRegistry(),
		now:  time.Now,
		last: map[string]time.Time{},
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revisit_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status code.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "revisit_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route template.",
			Buckets: httpBuckets,
		}, []string{"method", "route"}),
		ingestRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revisit_ingest_rows_total",
			Help: "Source rows imported, by file kind and result (loaded or rejected).",
		}, []string{"kind", "result"}),
		ingestFiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revisit_ingest_files_total",
			Help: "Source files imported, by kind and status (loaded, skipped, failed).",
		}, []string{"kind", "status"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "revisit_job_duration_seconds",
			Help:    "Time a scheduled job ran, successful or not.",
			Buckets: jobBuckets,
		}, []string{"job"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revisit_job_failures_total",
			Help: "Scheduled job runs that ended in an error.",
		}, []string{"job"}),
		jobLastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "revisit_job_last_success_timestamp_seconds",
			Help: "Unix time a scheduled job last succeeded.",
		}, []string{"job"}),
		nightlySuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "revisit_nightly_last_success_timestamp_seconds",
			Help: "Unix time the nightly run last succeeded; the same value as revisit_job_last_success_timestamp_seconds{job=\"nightly\"}.",
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration,
		m.ingestRows, m.ingestFiles,
		m.jobDuration, m.jobFailures, m.jobLastSuccess, m.nightlySuccess,
	)
	for _, k := range ingest.LoadOrder {
		for _, result := range []string{"loaded", "rejected"} {
			m.ingestRows.WithLabelValues(string(k), result)
		}
		for _, status := range fileStatuses {
			m.ingestFiles.WithLabelValues(string(k), status)
		}
	}
	return m
}

// middleware counts each request and observes its latency once the rest of
// the chain has answered. Placed before recover, it sees a panic's 500.
func (m *metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		took := time.Since(start).Seconds()
		method, route := methodLabel(c.Request.Method), routeLabel(c.FullPath())
		m.httpRequests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.httpDuration.WithLabelValues(method, route).Observe(took)
	}
}

// handler serves the registry in the Prometheus exposition format. A
// collector that fails is reported in promhttp_metric_handler_errors_total
// and the rest are still served.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg,
	})
}

// observeImport counts the files of one import run and their rows. Loaded
// rows count only for a loaded file: a failed file's rows were undone, and
// a result cut short by an error was never committed.
func (m *metrics) observeImport(results []load.FileResult) {
	for _, r := range results {
		kind, status := kindLabel(r.Kind), fileStatusLabel(r.Status)
		m.ingestFiles.WithLabelValues(kind, status).Inc()
		switch status {
		case load.StatusLoaded:
			m.addRows(kind, "loaded", r.Loaded)
			m.addRows(kind, "rejected", r.Rejected)
		case load.StatusFailed:
			m.addRows(kind, "rejected", r.Rejected)
		}
	}
}

// addRows adds n rows; a counter must never be given a negative number.
func (m *metrics) addRows(kind, result string, n int64) {
	if n > 0 {
		m.ingestRows.WithLabelValues(kind, result).Add(float64(n))
	}
}

// observeJob records one run of a scheduled job. job must be a name fixed
// in code (a step of the nightly run), never anything read from data.
func (m *metrics) observeJob(job string, took time.Duration, err error) {
	m.jobDuration.WithLabelValues(job).Observe(took.Seconds())
	if err != nil {
		m.jobFailures.WithLabelValues(job).Inc()
		return
	}
	// Touch the failure counter so it exists at zero once the job has run.
	m.jobFailures.WithLabelValues(job)
	m.succeeded(job, m.now())
}

// succeeded moves the job's last-success stamp to at, unless it already
// says later.
func (m *metrics) succeeded(job string, at time.Time) {
	m.lastMu.Lock()
	defer m.lastMu.Unlock()
	if !at.After(m.last[job]) {
		return
	}
	m.last[job] = at
	stamp := float64(at.UnixNano()) / 1e9
	m.jobLastSuccess.WithLabelValues(job).Set(stamp)
	if job == nightlyJob {
		m.nightlySuccess.Set(stamp)
	}
}

// lastSuccesser is the part of the warehouse the history is read from.
type lastSuccesser interface {
	LastJobSuccess(ctx context.Context, job string) (time.Time, bool, error)
}

// seedJobs sets the last-success stamps from the job history, so that a
// night run before this process started (by the previous one, or by
// 'revisit nightly') counts: an alert on the stamp's age must not fire
// because the server restarted.
func (m *metrics) seedJobs(ctx context.Context, wh lastSuccesser) error {
	for _, job := range []string{nightly.Job, nightly.EscalationJob} {
		at, ok, err := wh.LastJobSuccess(ctx, job)
		if err != nil {
			return fmt.Errorf("metrics: read the job history: %w", err)
		}
		if ok {
			m.succeeded(job, at)
		}
	}
	return nil
}

// routeLabel is the matched route template, or "unmatched" for a 404: the
// raw path would carry IDs and names.
func routeLabel(fullPath string) string {
	if fullPath == "" {
		return routeUnmatched
	}
	return fullPath
}

// methodLabel keeps the standard methods; a client may send any token.
func methodLabel(method string) string {
	if httpMethods[method] {
		return method
	}
	return methodOther
}

// kindLabel is one of ingest's kinds, or "unknown" for a file not recognised.
func kindLabel(kind string) string {
	if ingest.Kind(kind).Rank() < len(ingest.LoadOrder) {
		return kind
	}
	return kindUnknown
}

// fileStatusLabel is one of the warehouse's file statuses, or "unknown".
func fileStatusLabel(status string) string {
	for _, s := range fileStatuses {
		if status == s {
			return status
		}
	}
	return statusUnknown
}
