package main

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/revisit-hotel/revisit/bench/internal/machine"
)

// Targets of the issue.
const (
	targetRate     = 200 // requests a second
	targetSeconds  = 30  // of load
	targetP99MS    = 50  // p99 latency, each endpoint
	pagesRate      = 50  // the pages' target: requests a second
	pagesP99MS     = 100 // the pages' p99 latency
	targetTimes    = 1.5 // export time ÷ bare StreamWriter time
	targetPeakMiB  = 300 // export peak RSS
	listLimitItems = 500 // what GET /callbacks answers at most
)

// render writes the report.
func render(o options, r *results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## API benchmark, %s\n\n", r.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Commit: `%s`\n", o.revision)
	data := "the prepared warehouse"
	if o.data != "" {
		data = "`" + o.data + "` (`revisit generate --clean`)"
	}
	fmt.Fprintf(&b, "- Data: %s, ingested, analysed as of %s, callbacks generated at the end of that day", data, o.asOf)
	if o.prepared != "" {
		fmt.Fprintf(&b, " (%s)", o.prepared)
	}
	fmt.Fprintf(&b, "; warehouse file %.0f MB\n", float64(r.dbBytes)/1e6)
	if l := r.any(); l != nil {
		fmt.Fprintf(&b, "- In it: %s stays, %s guests analysed, %s open callback tasks; the butler `%s` owns %s of them, and their list answers %d (at most %d)\n",
			thousands(l.Stays), thousands(l.Guests), thousands(l.OpenTasks), l.Butler, thousands(l.ButlerOpen), l.ListItems, listLimitItems)
	}
	fmt.Fprintf(&b, "- Machine: %d × %s, %s RAM, %s, Linux %s; load average %s before, %s after\n",
		runtime.NumCPU(), machine.ProcField("/proc/cpuinfo", "model name"), machine.MemTotal(), osName(), machine.Kernel(), r.load0, r.load1)
	fmt.Fprintf(&b, "- Go %s, DuckDB %s; threads %d, memory_limit %s, TimeZone %s\n",
		strings.TrimPrefix(runtime.Version(), "go"), r.duckdb(), runtime.NumCPU(), memoryLimit, timeZone)
	fmt.Fprintf(&b, "- Whole benchmark %.0f s; peak RSS floor (a child running `true`) %.0f MiB\n\n", r.took.Seconds(), r.floorMiB)

	b.WriteString("Every measurement is a child process on a fresh copy of the prepared warehouse; the API is " +
		"`api.New` served on 127.0.0.1, logs discarded, the per-token rate limit lifted.\n\n")

	if r.loaded != nil || r.ref != nil {
		renderLoad(&b, o, r)
	}
	if r.http != nil || r.bare != nil {
		renderExport(&b, r)
	}
	if len(r.problems) > 0 {
		b.WriteString("Problems:\n\n")
		for _, p := range r.problems {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	return b.String()
}

// any is a load outcome to describe the data from.
func (r *results) any() *loadOutcome {
	if r.loaded != nil {
		return r.loaded
	}
	return r.ref
}

func (r *results) duckdb() string {
	if l := r.any(); l != nil {
		return l.DuckDB
	}
	return "unknown"
}

func renderLoad(b *strings.Builder, o options, r *results) {
	fmt.Fprintf(b, "### Load: %s requests/s for %s, on loopback\n\n", trimFloat(o.rate), o.duration)
	what := "`GET /api/v1/callbacks` as the butler and `GET /api/v1/kpis?from=%s&to=%s` as a manager"
	if o.pages {
		what = "the web pages, signed in by the session cookie: `GET /ui/callbacks` (the butler's list, 20 tasks with their call sheets) " +
			"and `GET /ui/kpis?from=%s&to=%s` (the manager's page: the period's KPIs, trends, and tables per outlet, team and butler)"
	}
	fmt.Fprintf(b, "Open loop: requests alternate "+what+", each sent when due in its own goroutine, after one "+
		"warm-up request per endpoint; latency runs from when a request was due to its last byte; an error is a "+
		"transport error or any status but 200. With analysis: `reports.Analyze` for the next day on the same "+
		"warehouse, started with the load and again whenever it finished, the last run left to finish; %s.\n\n",
		o.kpiFrom, o.kpiTo, map[bool]string{true: "in the background, as the server runs it (`Options.Background`: DuckDB on one thread while it runs)",
			false: "in the foreground (DuckDB on every core)"}[o.background])
	b.WriteString("| run | endpoint | requests | p50 ms | p90 ms | p99 ms | max ms | errors |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|\n")
	runs := []struct {
		name string
		l    *loadOutcome
	}{{"**with analysis**", r.loaded}, {"reference, no analysis", r.ref}}
	for _, run := range runs {
		if run.l == nil {
			continue
		}
		for _, e := range run.l.Endpoints {
			lat := func(v float64) string { return num(v, "%.1f", e.Answered > 0) }
			fmt.Fprintf(b, "| %s | `%s` | %s | %s | %s | %s | %s | %s |\n", run.name, e.Name, thousands(int64(e.Requests)),
				lat(e.P50), lat(e.P90), lat(e.P99), lat(e.Max), errorsCell(e))
		}
	}
	b.WriteString("\n| run | offered req/s | answered req/s | generator late, p99 / max ms | CPU, cores | KPI reports served | first requests: list / KPI ms | nightly analyses |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|---|\n")
	for _, run := range runs {
		l := run.l
		if l == nil {
			continue
		}
		answered := 0
		for _, e := range l.Endpoints {
			answered += e.Answered
		}
		fmt.Fprintf(b, "| %s | %.1f | %.1f | %.1f / %.1f | %.2f | %d | %.0f / %.0f | %s |\n", run.name,
			float64(l.Sent)/max(l.SendSeconds, 1e-9), float64(answered)/max(l.Seconds, 1e-9), l.LagP99MS, l.LagMaxMS,
			l.CPUCores, l.KPIReports, l.ColdListMS, l.ColdKPIMS, analysesCell(l))
	}
	b.WriteString("\n| run | Go: longest stop of the world, ms (stopping / total) | longest a runnable goroutine waited, ms (p99 / max) | GC cycles | GC CPU s (assists) |\n")
	b.WriteString("|---|--:|--:|--:|--:|\n")
	for _, run := range runs {
		if l := run.l; l != nil {
			p := l.Pauses
			fmt.Fprintf(b, "| %s | %.1f / %.1f | %.1f / %.1f | %d | %.1f (%.2f) |\n", run.name, p.StoppingMaxMS, p.TotalMaxMS,
				p.RunnableP99MS, p.RunnableMaxMS, p.GCCycles, p.GCMarkCPUSecs, p.AssistCPUSecs)
		}
	}
	b.WriteString("\nThe Go runtime's own view of the child (runtime/metrics, bucket upper bounds): when the generator is late " +
		"by more than the longest runnable wait and stop of the world, the process as a whole was not running.\n")
	b.WriteString("\nOffered: requests sent ÷ time from the first due to the last sent; answered: responses ÷ time " +
		"from the first due to the last answered. KPI reports served: distinct `computed_at` values answered — " +
		"more than one means the cache was refreshed during the load (every analysis changes the warehouse). " +
		"The first requests are the warm-up, the KPI one computing the year's report.\n\n")
	if l := r.loaded; l != nil && !o.pages {
		fmt.Fprintf(b, "Target: p99 under %d ms at %d requests/s with zero errors while a nightly analysis runs — %s\n\n",
			targetP99MS, targetRate, loadVerdict(o, l))
	}
	if l := r.ref; l != nil && o.pages {
		ok := true
		var worst []string
		for _, e := range l.Endpoints {
			ok = ok && e.Errors == 0 && e.Answered == e.Requests && e.P99 < pagesP99MS
			worst = append(worst, fmt.Sprintf("%s p99 %.1f ms, %d errors", e.Name, e.P99, e.Errors))
		}
		fmt.Fprintf(b, "Target: the pages' p99 under %d ms at %d requests/s — %s (%s).\n\n", pagesP99MS, pagesRate,
			map[bool]string{true: "**met**", false: "**not met**"}[ok && o.rate == pagesRate], strings.Join(worst, "; "))
	}
}

func errorsCell(e endpointStats) string {
	if e.Errors == 0 {
		return "0"
	}
	kinds := slices.Sorted(maps.Keys(e.ErrorKinds))
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d × %s", e.ErrorKinds[k], k)
	}
	return fmt.Sprintf("**%d** (%s)", e.Errors, strings.Join(parts, ", "))
}

func analysesCell(l *loadOutcome) string {
	if l.AnalysisAsOf == "" {
		return "none"
	}
	parts := make([]string, len(l.Analyses))
	for i, a := range l.Analyses {
		parts[i] = fmt.Sprintf("%.1f s", a.Seconds)
		if a.Err != "" {
			parts[i] += " (failed: " + a.Err + ")"
		}
	}
	s := fmt.Sprintf("as of %s: %d run(s), %s", l.AnalysisAsOf, len(l.Analyses), strings.Join(parts, ", "))
	if !l.Covered {
		s += "; **not running the whole time**"
	}
	return s
}

// loadVerdict says whether the load with analysis met the target, and
// whether it ran under the target's conditions at all.
func loadVerdict(o options, l *loadOutcome) string {
	ok := l.Covered
	var worst []string
	for _, e := range l.Endpoints {
		ok = ok && e.Errors == 0 && e.Answered == e.Requests && e.P99 < targetP99MS
		worst = append(worst, fmt.Sprintf("%s p99 %.1f ms, %d errors", e.Name, e.P99, e.Errors))
	}
	verdict := "**not met**"
	if ok {
		verdict = "**met**"
	}
	verdict += " (" + strings.Join(worst, "; ") + ")"
	if o.rate != targetRate || o.duration.Seconds() != targetSeconds {
		verdict += fmt.Sprintf("; measured at %s requests/s for %s, not the target's %d for %d s", trimFloat(o.rate), o.duration, targetRate, targetSeconds)
	}
	return verdict + "."
}

func renderExport(b *strings.Builder, r *results) {
	rows := int64(0)
	for _, e := range []*exportOutcome{r.http, r.bare} {
		if e != nil {
			rows = max(rows, e.Rows)
		}
	}
	fmt.Fprintf(b, "### Export: guests, %s rows, XLSX\n\n", thousands(rows))
	b.WriteString("`GET /api/v1/exports/guests.xlsx` as a manager into `io.Discard`, against the same rows " +
		"(`warehouse.GuestRows`, the same cells) written by excelize's StreamWriter bare: a plain header, values as " +
		"they come, no styles, widths, panes, filter, masking or extra sheets.\n\n")
	b.WriteString("| side | rows | file MB | process s | export s | peak RSS MiB | Go runtime peak MiB |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	line := func(name string, e *exportOutcome, s machine.Sample) {
		if e == nil {
			fmt.Fprintf(b, "| %s | — | — | — | — | — | — |\n", name)
			return
		}
		fmt.Fprintf(b, "| %s | %s | %.1f | %.2f | %.2f | %.0f | %.0f |\n", name, thousands(e.Rows), float64(e.Bytes)/1e6,
			s.Seconds, e.Seconds, s.RSSMiB, e.GoPeakMiB)
	}
	line("**Revisit**: `GET /api/v1/exports/guests.xlsx`", r.http, r.httpS)
	line("bare StreamWriter", r.bare, r.bareS)
	if r.http == nil || r.bare == nil {
		b.WriteString("\n")
		return
	}
	fmt.Fprintf(b, "| Revisit ÷ bare | | %.2f× | **%.2f×** | %.2f× | %.2f× | %.2f× |\n\n",
		float64(r.http.Bytes)/float64(r.bare.Bytes), r.httpS.Seconds/r.bareS.Seconds, r.http.Seconds/r.bare.Seconds,
		r.httpS.RSSMiB/r.bareS.RSSMiB, r.http.GoPeakMiB/r.bare.GoPeakMiB)
	b.WriteString("Process: from starting the child to its exit (opening the warehouse, and for Revisit starting the " +
		"server and the client, included); export: the request to its last byte, or the query to the bare workbook's " +
		"last byte. Go runtime peak: memory the Go runtime had mapped, sampled every 20 ms; the rest of the RSS is " +
		"mostly DuckDB.\n\n")
	if r.http.Rows != r.bare.Rows {
		r.problems = append(r.problems, fmt.Sprintf("the export wrote %d rows, the bare writer %d", r.http.Rows, r.bare.Rows))
	}
	ratio := r.httpS.Seconds / r.bareS.Seconds
	fmt.Fprintf(b, "Targets: within %.1f× of the bare StreamWriter — %s (%.2f×; the export alone %.2f×); under %d MiB — %s (%.0f MiB).\n\n",
		targetTimes, verdict(ratio <= targetTimes), ratio, r.http.Seconds/r.bare.Seconds,
		targetPeakMiB, verdict(r.httpS.RSSMiB < targetPeakMiB), r.httpS.RSSMiB)
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// num formats x, or "—" when there is nothing to show.
func num(x float64, format string, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf(format, x)
}

func trimFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// osName is the distribution's PRETTY_NAME.
func osName() string {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "unknown OS"
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return "unknown OS"
}
