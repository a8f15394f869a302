// Command api benchmarks Revisit's HTTP API under load and its largest
// download, and prints the result as a Markdown report.
//
// Method. The input is a prepared warehouse (bench/api.sh makes it): a
// clean generated hotel ingested, analysed as of its last day, and its
// callbacks generated at the end of that day, so butlers have a worklist.
// It is never changed: every measurement runs on a fresh copy, in a child
// process that re-executes this harness, with the settings Revisit opens
// DuckDB with (threads = cores, memory_limit 4GB, TimeZone Asia/Shanghai).
//
// Load (-load-child). The child opens its copy, creates two tokens — the
// butler who owns the most open callbacks, and a manager — and serves
// api.New on 127.0.0.1 with logs discarded and the per-token rate limit
// lifted (two tokens stand in for a whole hotel's staff). After one warm-up
// request per endpoint (the KPI one computes the report the cache then
// keeps), an open-loop generator issues requests at a fixed rate: request i
// is due at start + i/rate and is sent then, in its own goroutine, whatever
// earlier requests are doing, so a slow server cannot slow the offered load
// (no coordinated omission). Requests alternate GET /api/v1/callbacks as the
// butler and GET /api/v1/kpis?from=&to= as the manager over a fixed year.
// A request's latency runs from when it was due to the last byte of its
// body; an error is a transport error or any status but 200. With
// -analysis, a nightly analysis (reports.Analyze for the day after the
// analysed one, on the same *warehouse.Warehouse) starts with the load and
// is started again whenever it finishes, until the load ends; the run that
// is going then is left to finish, and every run's duration is reported. The
// same load without the analysis is the reference.
//
// Export (-export-http-child, -export-bare-child). One child serves the API
// and downloads GET /api/v1/exports/guests.xlsx as a manager over loopback
// into io.Discard; the other streams the same guests (warehouse.GuestRows,
// same day, same cells) into excelize's StreamWriter bare: a plain header,
// values as they come, no styles, widths, panes, filter, masking or extra
// sheets, like reports/export's BenchmarkBareStreamWriter. Both are timed
// from outside: wall time from start to exit, peak RSS from wait4. Inside,
// each also times the export alone and samples the Go runtime's memory.
//
// Everything shares the machine: the load generator runs on the same cores
// as the server and DuckDB. On Linux a child's ru_maxrss never falls below
// what the parent had when it forked, so the report gives that floor.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/bench/internal/machine"
)

// The DuckDB settings every child runs with: Revisit's defaults.
const (
	memoryLimit = "4GB"
	timeZone    = "Asia/Shanghai"
)

// options are the harness's flags.
type options struct {
	db, asOf, out, work, revision, data, prepared string
	rate                                          float64
	duration                                      time.Duration
	kpiFrom, kpiTo                                string
	load, reference, exports                      bool
	background                                    bool
	pages                                         bool
}

// childOptions are the flags of the child processes.
type childOptions struct {
	load, exportHTTP, exportBare, analysis bool
}

func main() {
	var o options
	var c childOptions
	flag.StringVar(&o.db, "db", "", "the prepared warehouse: ingested, analysed, callbacks generated (copied, never changed; required)")
	flag.StringVar(&o.asOf, "as-of", "", "the analysed day, YYYY-MM-DD (required)")
	flag.StringVar(&o.out, "out", "", "also write the report to this file")
	flag.StringVar(&o.work, "work", "", "folder for the copies under test (default: a temporary folder beside -db, removed afterwards)")
	flag.StringVar(&o.revision, "revision", "", "what is being measured (default: git rev-parse --short HEAD, +dirty if so)")
	flag.StringVar(&o.data, "data", "", "for the report: the generated data set's name")
	flag.StringVar(&o.prepared, "prepared", "", "for the report: how the warehouse was prepared")
	flag.Float64Var(&o.rate, "rate", 200, "requests a second, both endpoints together")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "how long each load test offers load")
	flag.StringVar(&o.kpiFrom, "kpi-from", "", "first day of the KPI range (default: the year ending -as-of)")
	flag.StringVar(&o.kpiTo, "kpi-to", "", "last day of the KPI range (default: -as-of)")
	flag.BoolVar(&o.load, "load", true, "run the load test while a nightly analysis runs")
	flag.BoolVar(&o.reference, "reference", true, "also run the load test without the analysis")
	flag.BoolVar(&o.exports, "export", true, "run the export measurements")
	flag.BoolVar(&o.pages, "pages", false, "load the web pages (the butler's list, the KPI page) instead of the API")
	flag.BoolVar(&o.background, "background", true, "run the nightly analysis as the server would, in the background (DuckDB on one thread)")
	flag.BoolVar(&c.load, "load-child", false, "internal: serve a copy and load it; print the outcome as JSON")
	flag.BoolVar(&c.analysis, "analysis", false, "internal, with -load-child: run the nightly analysis meanwhile")
	flag.BoolVar(&c.exportHTTP, "export-http-child", false, "internal: download the guests export over HTTP; print the outcome as JSON")
	flag.BoolVar(&c.exportBare, "export-bare-child", false, "internal: write the guests bare with excelize; print the outcome as JSON")
	flag.Parse()

	err := validate(&o)
	if err == nil {
		ctx := context.Background()
		switch {
		case c.load:
			err = loadChild(ctx, o, c.analysis)
		case c.exportHTTP:
			err = exportHTTPChild(ctx, o)
		case c.exportBare:
			err = exportBareChild(ctx, o)
		default:
			err = run(ctx, o)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-api:", err)
		os.Exit(1)
	}
}

// validate checks the flags every process needs and fills the defaults.
func validate(o *options) error {
	if o.db == "" || o.asOf == "" {
		flag.Usage()
		return errors.New("-db and -as-of are required")
	}
	day, err := time.Parse(time.DateOnly, o.asOf)
	if err != nil {
		return fmt.Errorf("-as-of: %w", err)
	}
	if o.kpiTo == "" {
		o.kpiTo = o.asOf
	}
	if o.kpiFrom == "" {
		o.kpiFrom = day.AddDate(-1, 0, 1).Format(time.DateOnly)
	}
	if o.rate <= 0 || o.duration <= 0 {
		return errors.New("-rate and -duration must be positive")
	}
	return nil
}

// results is everything the report shows.
type results struct {
	started      time.Time
	took         time.Duration
	load0, load1 string
	floorMiB     float64
	dbBytes      int64
	loaded, ref  *loadOutcome // with the nightly analysis, and without
	http, bare   *exportOutcome
	httpS, bareS machine.Sample
	problems     []string
}

func run(ctx context.Context, o options) error {
	info, err := os.Stat(o.db)
	if err != nil {
		return fmt.Errorf("the prepared warehouse: %w", err)
	}
	if o.revision == "" {
		o.revision = gitRevision()
	}
	if o.work == "" {
		dir, err := os.MkdirTemp(filepath.Dir(filepath.Clean(o.db)), "work-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	floor, err := machine.Measure(exec.CommandContext(ctx, "true"))
	if err != nil {
		return fmt.Errorf("measure the RSS floor: %w", err)
	}
	r := &results{started: time.Now(), load0: machine.LoadAverage(), floorMiB: floor.RSSMiB, dbBytes: info.Size()}
	if o.load && o.reference {
		r.ref, err = runLoad(ctx, o, false)
		r.note("load without analysis", err)
	}
	if o.load {
		r.loaded, err = runLoad(ctx, o, true)
		r.note("load with analysis", err)
	}
	if o.exports {
		r.bare, r.bareS, err = runExport(ctx, o, "-export-bare-child")
		r.note("bare StreamWriter export", err)
		r.http, r.httpS, err = runExport(ctx, o, "-export-http-child")
		r.note("HTTP export", err)
	}
	r.took, r.load1 = time.Since(r.started), machine.LoadAverage()
	report := render(o, r)
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if len(r.problems) > 0 {
		return errors.New("there were problems: see the report")
	}
	return nil
}

func (r *results) note(what string, err error) {
	if err != nil {
		r.problems = append(r.problems, what+": "+err.Error())
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	}
}

// copyWarehouse copies the prepared warehouse, and its ID key if any, to a
// fresh file in the work folder; the returned function removes it.
func copyWarehouse(o options, name string) (string, func(), error) {
	dst := filepath.Join(o.work, name+".duckdb")
	remove := func() {
		for _, p := range []string{dst, dst + ".wal", dst + ".key"} {
			os.Remove(p)
		}
	}
	if err := copyFile(o.db, dst); err != nil {
		remove()
		return "", nil, err
	}
	if _, err := os.Stat(o.db + ".key"); err == nil {
		if err := copyFile(o.db+".key", dst+".key"); err != nil {
			remove()
			return "", nil, err
		}
	}
	return dst, remove, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// childArgs are the flags a child gets: the copy it works on and the
// parent's settings.
func childArgs(o options, db string, flags ...string) []string {
	return append(flags, "-db", db, "-as-of", o.asOf, "-rate", fmt.Sprint(o.rate), "-duration", o.duration.String(),
		"-kpi-from", o.kpiFrom, "-kpi-to", o.kpiTo, "-background="+fmt.Sprint(o.background), "-pages="+fmt.Sprint(o.pages))
}

// runChild runs this harness again with args, and decodes its JSON outcome.
func runChild(ctx context.Context, args []string, out any) (machine.Sample, error) {
	self, err := os.Executable()
	if err != nil {
		return machine.Sample{}, err
	}
	cmd := exec.CommandContext(ctx, self, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	s, err := machine.Measure(cmd)
	if err != nil {
		return s, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if err := decodeJSON(stdout.String(), out); err != nil {
		return s, fmt.Errorf("the child's outcome: %w", err)
	}
	return s, nil
}

// gitRevision is the commit checked out, with "+dirty" when the tree has
// changes (untracked files included: new files are changes too).
func gitRevision() string {
	rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	s := strings.TrimSpace(string(rev))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err != nil || len(st) > 0 {
		s += "+dirty"
	}
	return s
}
