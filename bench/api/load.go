package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"runtime/metrics"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// loadOutcome is what a load child reports.
type loadOutcome struct {
	DuckDB       string          `json:"duckdb"`
	Guests       int64           `json:"guests"`         // guests analysed as of the analysed day
	Stays        int64           `json:"stays"`          // stays in the warehouse
	OpenTasks    int64           `json:"open_tasks"`     // open callback tasks, all owners
	Butler       string          `json:"butler"`         // the butler whose list is asked for
	ButlerOpen   int64           `json:"butler_open"`    // their open tasks
	ListItems    int             `json:"list_items"`     // items their list answers (at most 500)
	ColdKPIMS    float64         `json:"cold_kpi_ms"`    // the warm-up KPI request, which computes the report
	ColdListMS   float64         `json:"cold_list_ms"`   // the warm-up callbacks request
	Sent         int             `json:"sent"`           // requests issued
	SendSeconds  float64         `json:"send_seconds"`   // from the first request due to the last one sent
	Seconds      float64         `json:"seconds"`        // from the first request due to the last one answered
	LagP99MS     float64         `json:"lag_p99_ms"`     // how late the generator sent requests
	LagMaxMS     float64         `json:"lag_max_ms"`     //
	CPUCores     float64         `json:"cpu_cores"`      // CPU time of the whole child during the load ÷ wall time
	KPIReports   int             `json:"kpi_reports"`    // distinct computed_at values answered during the load
	AnalysisAsOf string          `json:"analysis_as_of"` // the day the nightly analysis analyses
	Analyses     []analysisRun   `json:"analyses"`
	Covered      bool            `json:"covered"` // an analysis was running from the first request to the last answer
	Endpoints    []endpointStats `json:"endpoints"`
	Pauses       pauses          `json:"pauses"`
}

// pauses are the Go runtime's longest stops of the world in the child: the
// time to stop every goroutine (a goroutine that cannot be preempted holds
// everyone) and the stop itself, from runtime/metrics, upper bucket bounds.
type pauses struct {
	StoppingMaxMS float64 `json:"stopping_max_ms"`
	TotalMaxMS    float64 `json:"total_max_ms"`
	RunnableMaxMS float64 `json:"runnable_max_ms"` // longest a goroutine waited to run
	RunnableP99MS float64 `json:"runnable_p99_ms"` //
	AssistCPUSecs float64 `json:"assist_cpu_s"`    // CPU spent in GC assists by goroutines
	GCMarkCPUSecs float64 `json:"gc_mark_cpu_s"`   // all GC marking
	GCCycles      uint64  `json:"gc_cycles"`       //
}

func worldStops() pauses {
	samples := []metrics.Sample{{Name: "/sched/pauses/stopping/gc:seconds"}, {Name: "/sched/pauses/stopping/other:seconds"},
		{Name: "/sched/pauses/total/gc:seconds"}, {Name: "/sched/pauses/total/other:seconds"}}
	metrics.Read(samples)
	maxOf := func(s metrics.Sample) float64 {
		if s.Value.Kind() != metrics.KindFloat64Histogram {
			return 0
		}
		h := s.Value.Float64Histogram()
		for i := len(h.Counts) - 1; i >= 0; i-- {
			if h.Counts[i] > 0 {
				return min(h.Buckets[i+1], 1e3) * 1e3
			}
		}
		return 0
	}
	p := pauses{StoppingMaxMS: max(maxOf(samples[0]), maxOf(samples[1])), TotalMaxMS: max(maxOf(samples[2]), maxOf(samples[3]))}
	more := []metrics.Sample{{Name: "/sched/latencies:seconds"}, {Name: "/cpu/classes/gc/mark/assist:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(more)
	p.RunnableMaxMS = maxOf(more[0])
	if h := more[0].Value.Float64Histogram(); h != nil {
		var total, seen uint64
		for _, c := range h.Counts {
			total += c
		}
		for i, c := range h.Counts {
			if seen += c; seen >= total*99/100 {
				p.RunnableP99MS = h.Buckets[i+1] * 1e3
				break
			}
		}
	}
	p.AssistCPUSecs, p.GCMarkCPUSecs, p.GCCycles = more[1].Value.Float64(), more[2].Value.Float64(), more[3].Value.Uint64()
	return p
}

// analysisRun is one nightly analysis during the load.
type analysisRun struct {
	StartS  float64 `json:"start_s"` // seconds after the first request was due
	Seconds float64 `json:"seconds"`
	Err     string  `json:"error,omitempty"`
}

// endpointStats summarises one endpoint's requests. Latency percentiles
// are over every request that was answered, whatever its status.
type endpointStats struct {
	Name       string         `json:"name"`
	Requests   int            `json:"requests"`
	Answered   int            `json:"answered"` // got a status, any status
	Errors     int            `json:"errors"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	FirstError string         `json:"first_error,omitempty"`
	P50        float64        `json:"p50_ms"`
	P90        float64        `json:"p90_ms"`
	P99        float64        `json:"p99_ms"`
	Max        float64        `json:"max_ms"`
}

// endpoint is one of the two requests the load alternates.
type endpoint struct {
	name, path, token string
}

// record is one request of the load.
type record struct {
	lag     time.Duration // sent this late after it was due
	latency time.Duration // from due to the last byte of the body
	sent    time.Time
	done    time.Time
	status  int
	err     string
	kpiAt   string // a KPI answer's computed_at
}

// runLoad runs one load child on a fresh copy.
func runLoad(ctx context.Context, o options, analysis bool) (*loadOutcome, error) {
	name := "load-reference"
	if analysis {
		name = "load-analysis"
	}
	db, remove, err := copyWarehouse(o, name)
	if err != nil {
		return nil, err
	}
	defer remove()
	fmt.Fprintf(os.Stderr, "%s: %.0f requests/s for %s…\n", name, o.rate, o.duration)
	var out loadOutcome
	_, err = runChild(ctx, childArgs(o, db, "-load-child", fmt.Sprintf("-analysis=%t", analysis)), &out)
	if err != nil {
		return nil, err
	}
	for _, e := range out.Endpoints {
		fmt.Fprintf(os.Stderr, "  %-9s %5d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors\n",
			e.Name, e.Requests, e.P50, e.P99, e.Max, e.Errors)
	}
	return &out, nil
}

// loadChild serves its copy and loads it; see the package comment.
func loadChild(ctx context.Context, o options, analysis bool) error {
	w, err := openCopy(ctx, o)
	if err != nil {
		return err
	}
	defer w.Close()
	out := loadOutcome{DuckDB: duckdbVersion(ctx, w)}
	if err := describeData(ctx, w, o, &out); err != nil {
		return err
	}
	butler, err := token(ctx, w, "bench-butler", roles.Butler, out.Butler)
	if err != nil {
		return err
	}
	manager, err := token(ctx, w, "bench-manager", roles.Manager, "")
	if err != nil {
		return err
	}
	s, err := serve(ctx, w)
	if err != nil {
		return err
	}
	defer s.stop()
	endpoints := []endpoint{
		{"callbacks", "/api/v1/callbacks", butler},
		{"kpis", "/api/v1/kpis?from=" + o.kpiFrom + "&to=" + o.kpiTo, manager},
	}
	if o.pages { // signed in by the session cookie, as a browser is
		endpoints = []endpoint{
			{"callbacks page", "/ui/callbacks", butler},
			{"kpis page", "/ui/kpis?from=" + o.kpiFrom + "&to=" + o.kpiTo, manager},
		}
	}
	if err := warmUp(ctx, s, endpoints, &out); err != nil {
		return err
	}

	asOf, err := time.Parse(time.DateOnly, o.asOf)
	if err != nil {
		return err
	}
	next := asOf.AddDate(0, 0, 1)
	n := int(math.Round(o.rate * o.duration.Seconds()))
	interval := time.Duration(float64(time.Second) / o.rate)
	start := time.Now().Add(20 * time.Millisecond)
	cpu0 := cpuTime()
	var runs <-chan []analysisRun
	stopAnalysis := make(chan struct{})
	if analysis {
		out.AnalysisAsOf = next.Format(time.DateOnly)
		runs = nightly(ctx, w, next, start, stopAnalysis, o.background)
	}
	recs := offer(ctx, s, endpoints, start, interval, n)
	out.CPUCores = (cpuTime() - cpu0).Seconds() / time.Since(start).Seconds()
	out.Pauses = worldStops()
	if analysis {
		close(stopAnalysis)
		out.Analyses = <-runs
		out.Covered = covered(out.Analyses, recs, start)
	}
	summarise(recs, endpoints, start, &out)
	return printJSON(out)
}

// describeData counts what the load works on and picks the butler: the
// one who owns the most open callbacks.
func describeData(ctx context.Context, w *warehouse.Warehouse, o options, out *loadOutcome) error {
	db := w.DB()
	if err := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM guest_metrics WHERE as_of = CAST(? AS DATE)),
		(SELECT count(*) FROM stays),
		(SELECT count(*) FROM callback_tasks WHERE status = ?)`, o.asOf, warehouse.TaskOpen).
		Scan(&out.Guests, &out.Stays, &out.OpenTasks); err != nil {
		return fail("count the data", err)
	}
	err := db.QueryRowContext(ctx, `SELECT t.owner, count(*) FROM callback_tasks t JOIN butlers b ON b.staff_id = t.owner
		WHERE t.status = ? GROUP BY t.owner ORDER BY count(*) DESC, t.owner LIMIT 1`, warehouse.TaskOpen).
		Scan(&out.Butler, &out.ButlerOpen)
	if err != nil {
		return fail("find a butler with open callbacks (were callbacks generated?)", err)
	}
	return nil
}

// warmUp sends one request to each endpoint and checks the answers.
func warmUp(ctx context.Context, s *served, endpoints []endpoint, out *loadOutcome) error {
	for _, e := range endpoints {
		req, err := s.request(ctx, e.path, e.token)
		if err != nil {
			return err
		}
		t0 := time.Now()
		resp, err := s.client.Do(req)
		if err != nil {
			return fail("warm-up "+e.name, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ms := float64(time.Since(t0).Microseconds()) / 1000
		if err != nil {
			return fail("warm-up "+e.name, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("warm-up %s: status %d: %s", e.name, resp.StatusCode, bytes.TrimSpace(body))
		}
		switch e.name {
		case "callbacks":
			var list struct{ Items []json.RawMessage }
			if err := json.Unmarshal(body, &list); err != nil {
				return fail("warm-up callbacks", err)
			}
			out.ListItems, out.ColdListMS = len(list.Items), ms
		case "kpis":
			if computedAt(body) == "" {
				return fmt.Errorf("warm-up kpis: no computed_at in %.200s", body)
			}
			out.ColdKPIMS = ms
		}
	}
	return nil
}

// nightly runs the analysis of day again and again from start until stop
// is closed; the run going then finishes. The runs come on the channel.
func nightly(ctx context.Context, w *warehouse.Warehouse, day, start time.Time, stop <-chan struct{}, background bool) <-chan []analysisRun {
	out := make(chan []analysisRun, 1)
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		out <- []analysisRun{{Err: err.Error()}}
		return out
	}
	opt := reports.Options{AsOf: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc), Loc: loc, Background: background}
	go func() {
		var runs []analysisRun
		defer func() { out <- runs }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			t0 := time.Now()
			_, err := reports.Analyze(ctx, w, opt)
			r := analysisRun{StartS: t0.Sub(start).Seconds(), Seconds: time.Since(t0).Seconds()}
			if err != nil {
				r.Err = err.Error()
				runs = append(runs, r)
				return
			}
			runs = append(runs, r)
		}
	}()
	return out
}

// offer issues n requests, request i due at start + i × interval and sent
// in its own goroutine, alternating the endpoints, and waits for all.
func offer(ctx context.Context, s *served, endpoints []endpoint, start time.Time, interval time.Duration, n int) []record {
	recs := make([]record, n)
	var wg sync.WaitGroup
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func(r *record, e endpoint) {
			defer wg.Done()
			r.sent = time.Now()
			r.lag = r.sent.Sub(due)
			send(ctx, s, e, due, r)
		}(&recs[i], endpoints[i%len(endpoints)])
	}
	wg.Wait()
	return recs
}

// send makes one request and records how it went.
func send(ctx context.Context, s *served, e endpoint, due time.Time, r *record) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	finish := func(err error) {
		r.done = time.Now()
		r.latency = r.done.Sub(due)
		if err != nil {
			r.err = err.Error()
		}
	}
	req, err := s.request(ctx, e.path, e.token)
	if err != nil {
		finish(err)
		return
	}
	resp, err := s.client.Do(req)
	if err != nil {
		finish(err)
		return
	}
	defer resp.Body.Close()
	r.status = resp.StatusCode
	if e.name == "kpis" {
		body, err := io.ReadAll(resp.Body)
		finish(err)
		r.kpiAt = computedAt(body)
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	finish(err)
}

// computedAt finds a KPI answer's computed_at without decoding all of it.
func computedAt(body []byte) string {
	const key = `"computed_at":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// covered says whether the analyses ran without a gap or a failure from
// the first request to the last answer.
func covered(runs []analysisRun, recs []record, start time.Time) bool {
	if len(runs) == 0 || runs[0].StartS > 0.05 {
		return false
	}
	end := 0.0
	for _, r := range recs {
		end = max(end, r.done.Sub(start).Seconds())
	}
	last := runs[len(runs)-1]
	for _, r := range runs {
		if r.Err != "" {
			return false
		}
	}
	return last.StartS+last.Seconds >= end
}

// summarise turns the records into the outcome's figures.
func summarise(recs []record, endpoints []endpoint, start time.Time, out *loadOutcome) {
	out.Sent = len(recs)
	var lags []time.Duration
	computed := map[string]bool{}
	for _, r := range recs {
		lags = append(lags, r.lag)
		out.SendSeconds = max(out.SendSeconds, r.sent.Sub(start).Seconds())
		out.Seconds = max(out.Seconds, r.done.Sub(start).Seconds())
		if r.kpiAt != "" {
			computed[r.kpiAt] = true
		}
	}
	out.KPIReports = len(computed)
	out.LagP99MS, out.LagMaxMS = ms(percentile(lags, 0.99)), ms(percentile(lags, 1))
	for k, e := range endpoints {
		st := endpointStats{Name: e.name, ErrorKinds: map[string]int{}}
		var lat []time.Duration
		for i := k; i < len(recs); i += len(endpoints) {
			r := recs[i]
			st.Requests++
			switch {
			case r.err != "" && r.status == 0:
				st.Errors++
				st.ErrorKinds["transport"]++
			case r.err != "":
				st.Errors++
				st.ErrorKinds[fmt.Sprintf("status %d, body cut", r.status)]++
			case r.status != http.StatusOK:
				st.Errors++
				st.ErrorKinds[fmt.Sprintf("status %d", r.status)]++
			}
			if r.err != "" && st.FirstError == "" {
				st.FirstError = r.err
			}
			if r.status != 0 {
				st.Answered++
				lat = append(lat, r.latency)
			}
		}
		st.P50, st.P90, st.P99, st.Max = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.90)), ms(percentile(lat, 0.99)), ms(percentile(lat, 1))
		out.Endpoints = append(out.Endpoints, st)
	}
}

// percentile is the nearest-rank p-quantile of ds (p = 1: the maximum);
// 0 when ds is empty.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return float64(s[max(i, 0)])
}

func ms(d float64) float64 { return d / float64(time.Millisecond) }

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
