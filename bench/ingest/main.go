// Command ingest benchmarks Revisit's file ingest against DuckDB's own COPY
// of the same files, and prints the result as a Markdown table.
//
// Method. The input is a folder written by `revisit generate --clean`: one
// plain UTF-8 CSV per kind. For every repeat, a fresh warehouse receives the
// four files one kind at a time in dependency order (roster, guests, stays,
// feedback), each kind in its own child process:
//
//	revisit ingest --db W --json FILE
//
// Right after each kind the harness re-executes itself with -copy-child,
// which loads the same file with `COPY t FROM 'FILE' (HEADER)` into a fresh
// DuckDB file whose table has the file's columns with their natural types,
// under the settings Revisit opens DuckDB with (threads = cores,
// memory_limit 4GB, TimeZone Asia/Shanghai, no extension autoloading), and
// checkpoints before closing as Revisit does.
//
// Both sides are measured the same way, from outside: the wall time from
// starting the child to its exit (so opening the database and the final
// checkpoint count), and the child's peak resident set, ru_maxrss from
// wait4. On Linux that peak never falls below what the parent had when it
// forked the child, so the report gives that floor, measured with `true`.
// Every file is read once before the first measurement so that both sides
// find it in the page cache. With -repeat N each measurement is taken N
// times and the medians are reported.
//
// The two sides do not do the same work, on purpose: COPY only parses and
// stores, while Revisit also hashes the file, validates every row, resolves
// guests and butlers, records rejects and, for guest profiles, resolves
// identities. The ratio is the price of that work, and the number to watch
// from one revision to the next.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/revisit-hotel/revisit/bench/internal/machine"
)

// The DuckDB settings both sides run with: Revisit's defaults.
const (
	memoryLimit = "4GB"
	timeZone    = "Asia/Shanghai"
)

// kind is one kind of clean export file and the COPY baseline's table for
// it: the file's columns in the file's order, typed as DuckDB would store
// them. The harness checks the file's header against these names.
type kind struct {
	name string // also the file's name without ".csv" and the table's name
	cols []string
}

var kinds = []kind{
	{"roster", []string{"staff_id VARCHAR", "name VARCHAR", "team VARCHAR", "lead VARCHAR"}},
	{"guests", []string{"guest_id VARCHAR", "name VARCHAR", "mobile VARCHAR", "id_number VARCHAR",
		"member_no VARCHAR", "vip_level VARCHAR", "wechat VARCHAR", "email VARCHAR", "gender VARCHAR",
		"birthday DATE", "preferences VARCHAR", "marketing_consent BOOLEAN", "created_at TIMESTAMP",
		"dedicated_butler VARCHAR"}},
	{"stays", []string{"stay_id VARCHAR", "guest_id VARCHAR", "property VARCHAR", "outlet VARCHAR",
		"arrival TIMESTAMP", "departure TIMESTAMP", "spend DECIMAL(14,2)", "room VARCHAR",
		"party_size INTEGER", "butler VARCHAR", "channel VARCHAR"}},
	{"feedback", []string{"form_id VARCHAR", "stay_id VARCHAR", "guest_id VARCHAR", "submitted_at TIMESTAMP",
		"overall TINYINT", "nps TINYINT", "comment VARCHAR", "complaint BOOLEAN"}},
}

type options struct {
	revisit, data, out, work, logs, revision string
	repeat                                   int
}

func main() {
	var o options
	var child struct {
		on             bool
		kind, file, db string
	}
	flag.StringVar(&o.revisit, "revisit", "", "the built revisit binary (required)")
	flag.StringVar(&o.data, "data", "", "folder written by `revisit generate --clean` (required)")
	flag.StringVar(&o.out, "out", "", "also write the report to this file")
	flag.StringVar(&o.work, "work", "", "folder for the warehouses under test (default: a temporary folder beside -data, removed afterwards)")
	flag.StringVar(&o.logs, "logs", "", "keep revisit's progress lines, time-stamped, in this folder")
	flag.StringVar(&o.revision, "revision", "", "what is being measured, e.g. `git describe --dirty`")
	flag.IntVar(&o.repeat, "repeat", 1, "measure each load this many times and report the median")
	flag.BoolVar(&child.on, "copy-child", false, "internal: run one COPY baseline load and print its outcome as JSON")
	flag.StringVar(&child.kind, "kind", "", "internal, with -copy-child: the kind")
	flag.StringVar(&child.file, "file", "", "internal, with -copy-child: the CSV file")
	flag.StringVar(&child.db, "db", "", "internal, with -copy-child: the fresh DuckDB file")
	flag.Parse()

	var err error
	if child.on {
		err = copyChild(child.kind, child.file, child.db)
	} else {
		err = run(context.Background(), o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-ingest:", err)
		os.Exit(1)
	}
}

// kindResult gathers every measurement of one kind.
type kindResult struct {
	kind                         kind
	path                         string
	bytes                        int64
	rows, loaded, rejected, warn int64 // from revisit's JSON summary
	copyRows                     int64
	revisit, copy                []machine.Sample
	failures                     []string
}

func run(ctx context.Context, o options) error {
	if o.revisit == "" || o.data == "" || o.repeat < 1 {
		flag.Usage()
		return errors.New("-revisit and -data are required, -repeat at least 1")
	}
	results := make([]*kindResult, len(kinds))
	for i, k := range kinds {
		r, err := prepare(k, o.data)
		if err != nil {
			return err
		}
		results[i] = r
	}
	if o.work == "" {
		dir, err := os.MkdirTemp(filepath.Dir(filepath.Clean(o.data)), "work-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	if o.logs != "" {
		if err := os.MkdirAll(o.logs, 0o755); err != nil {
			return err
		}
	}
	floor, err := machine.Measure(exec.CommandContext(ctx, "true"))
	if err != nil {
		return fmt.Errorf("measure the RSS floor: %w", err)
	}
	started, load0 := time.Now(), machine.LoadAverage()
	var duckdbVersion string
	for rep := 1; rep <= o.repeat; rep++ {
		dir := filepath.Join(o.work, fmt.Sprintf("run%d", rep))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, r := range results {
			s, err := runRevisit(ctx, o, r, filepath.Join(dir, "revisit.duckdb"), rep)
			note(r, "Revisit", rep, s, err)
			if err == nil {
				r.revisit = append(r.revisit, s)
			}
			s, version, err := runCopy(ctx, r, filepath.Join(dir, "copy-"+r.kind.name+".duckdb"))
			note(r, "COPY", rep, s, err)
			if err == nil {
				r.copy = append(r.copy, s)
				duckdbVersion = version
			}
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	report := render(o, results, runInfo{
		started: started, took: time.Since(started), load0: load0, load1: machine.LoadAverage(),
		duckdb: duckdbVersion, floorMiB: floor.RSSMiB,
	})
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	for _, r := range results {
		if len(r.failures) > 0 {
			return errors.New("some loads failed: see the report")
		}
	}
	return nil
}

// prepare finds a kind's file, checks that its header is the columns the
// baseline table expects, and reads it once into the page cache.
func prepare(k kind, data string) (*kindResult, error) {
	path := filepath.Join(data, k.name+".csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	header, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", path, err)
	}
	want := make([]string, len(k.cols))
	for i, c := range k.cols {
		want[i] = strings.Fields(c)[0]
	}
	if got := strings.TrimSpace(header); got != strings.Join(want, ",") {
		return nil, fmt.Errorf("%s: header is %q, the baseline table expects %q: update kinds in bench/ingest/main.go",
			path, got, strings.Join(want, ","))
	}
	n, err := io.Copy(io.Discard, br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &kindResult{kind: k, path: path, bytes: int64(len(header)) + n}, nil
}

// ingestSummary is the part of `revisit ingest --json` the harness reads.
type ingestSummary struct {
	Files []struct {
		Kind     string `json:"kind"`
		Status   string `json:"status"`
		Message  string `json:"message"`
		Rows     int64  `json:"rows"`
		Loaded   int64  `json:"loaded"`
		Rejected int64  `json:"rejected"`
		Warnings int64  `json:"warnings"`
	} `json:"files"`
}

// runRevisit ingests r's file into the warehouse at db in a child process.
func runRevisit(ctx context.Context, o options, r *kindResult, db string, rep int) (machine.Sample, error) {
	cmd := exec.CommandContext(ctx, o.revisit, "ingest", "--db", db, "--json",
		"--threads", "0", "--memory-limit", memoryLimit, "--tz", timeZone, r.path)
	cmd.Env = withoutRevisitEnv(os.Environ())
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	log := &stampWriter{w: io.Discard, start: time.Now()}
	if o.logs != "" {
		f, err := os.Create(filepath.Join(o.logs, fmt.Sprintf("revisit-%s-run%d.log", r.kind.name, rep)))
		if err != nil {
			return machine.Sample{}, err
		}
		defer f.Close()
		log.w = f
	}
	cmd.Stderr = log
	s, err := machine.Measure(cmd)
	var sum ingestSummary
	if jerr := json.Unmarshal(stdout.Bytes(), &sum); jerr != nil || len(sum.Files) != 1 {
		return s, fmt.Errorf("exit %v, no JSON summary for one file; last stderr: %s", err, log.last)
	}
	f := sum.Files[0]
	if f.Status != "loaded" || f.Kind != r.kind.name {
		return s, fmt.Errorf("%s as %q: %s", f.Status, f.Kind, f.Message)
	}
	if err != nil {
		return s, err
	}
	r.rows, r.loaded, r.rejected, r.warn = f.Rows, f.Loaded, f.Rejected, f.Warnings
	return s, nil
}

// withoutRevisitEnv drops REVISIT_* variables: the flags say everything.
func withoutRevisitEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "REVISIT_") })
}

// stampWriter writes each line prefixed with the seconds since start, and
// remembers the last line.
type stampWriter struct {
	w       io.Writer
	start   time.Time
	partial []byte
	last    string
}

func (s *stampWriter) Write(p []byte) (int, error) {
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		s.last = string(s.partial[:i])
		fmt.Fprintf(s.w, "%8.2fs %s\n", time.Since(s.start).Seconds(), s.last)
		s.partial = s.partial[i+1:]
	}
}

// copyOutcome is what the COPY child prints.
type copyOutcome struct {
	Rows   int64  `json:"rows"`
	DuckDB string `json:"duckdb"`
}

// runCopy runs the COPY baseline for r's file in a child process.
func runCopy(ctx context.Context, r *kindResult, db string) (machine.Sample, string, error) {
	self, err := os.Executable()
	if err != nil {
		return machine.Sample{}, "", err
	}
	cmd := exec.CommandContext(ctx, self, "-copy-child", "-kind", r.kind.name, "-file", r.path, "-db", db)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	s, err := machine.Measure(cmd)
	defer os.Remove(db)
	if err != nil {
		return s, "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var out copyOutcome
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return s, "", fmt.Errorf("COPY child output: %w", err)
	}
	r.copyRows = out.Rows
	return s, out.DuckDB, nil
}

// copyChild is the baseline: a fresh DuckDB file, one table, one COPY.
func copyChild(kindName, file, db string) error {
	i := slices.IndexFunc(kinds, func(k kind) bool { return k.name == kindName })
	if i < 0 || file == "" || db == "" {
		return fmt.Errorf("-copy-child needs -kind (one of roster, guests, stays, feedback), -file and -db")
	}
	k := kinds[i]
	q := url.Values{}
	q.Set("threads", strconv.Itoa(runtime.NumCPU()))
	q.Set("memory_limit", memoryLimit)
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	connector, err := duckdb.NewConnector(db+"?"+q.Encode(), func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "SET TimeZone = '"+timeZone+"'", nil)
		return err
	})
	if err != nil {
		return err
	}
	defer connector.Close()
	sdb := sql.OpenDB(connector)
	defer sdb.Close()
	sdb.SetMaxOpenConns(1)

	var out copyOutcome
	stmts := []string{
		"CREATE TABLE " + k.name + " (" + strings.Join(k.cols, ", ") + ")",
		"COPY " + k.name + " FROM '" + strings.ReplaceAll(file, "'", "''") + "' (FORMAT csv, HEADER)",
		"CHECKPOINT",
	}
	for _, s := range stmts {
		res, err := sdb.Exec(s)
		if err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		if strings.HasPrefix(s, "COPY") {
			out.Rows, _ = res.RowsAffected()
		}
	}
	if err := sdb.QueryRow("SELECT version()").Scan(&out.DuckDB); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// note tells the operator how one measurement went, and keeps failures.
func note(r *kindResult, side string, rep int, s machine.Sample, err error) {
	if err != nil {
		msg := fmt.Sprintf("%s, run %d: %v", side, rep, err)
		r.failures = append(r.failures, msg)
		fmt.Fprintf(os.Stderr, "%-8s %s\n", r.kind.name, msg)
		return
	}
	fmt.Fprintf(os.Stderr, "%-8s %-7s run %d: %7.2f s, peak RSS %6.0f MiB\n", r.kind.name, side, rep, s.Seconds, s.RSSMiB)
}

// runInfo describes when the benchmark ran and under what load.
type runInfo struct {
	started      time.Time
	took         time.Duration
	load0, load1 string
	duckdb       string
	floorMiB     float64
}

// render writes the report: the setting, then one table row per kind.
func render(o options, results []*kindResult, m runInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Ingest benchmark, %s\n\n", m.started.UTC().Format("2006-01-02 15:04 MST"))
	// Only the folder's own name: a report names no path of the machine.
	fmt.Fprintf(&b, "- Data: `%s` (`revisit generate --clean`)\n", filepath.Base(filepath.Clean(o.data)))
	if o.revision != "" {
		fmt.Fprintf(&b, "- Revision: `%s`\n", o.revision)
	}
	fmt.Fprintf(&b, "- Machine: %d × %s, %s RAM; load average %s before, %s after\n",
		runtime.NumCPU(), machine.ProcField("/proc/cpuinfo", "model name"), machine.MemTotal(), m.load0, m.load1)
	fmt.Fprintf(&b, "- Go %s, DuckDB %s; both sides: threads %d, memory_limit %s, TimeZone %s\n",
		strings.TrimPrefix(runtime.Version(), "go"), m.duckdb, runtime.NumCPU(), memoryLimit, timeZone)
	fmt.Fprintf(&b, "- %d run(s) per measurement, medians shown; whole benchmark %.0f s; peak RSS floor (a child running `true`) %.0f MiB\n\n",
		o.repeat, m.took.Seconds(), m.floorMiB)

	b.WriteString("| kind | rows | file MB | loaded | rejected | Revisit s | rows/s | MB/s | Revisit peak MiB | COPY s | COPY peak MiB | time ×COPY | memory ×COPY |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var failures []string
	for _, r := range results {
		rev, cp := medians(r.revisit), medians(r.copy)
		mb := float64(r.bytes) / 1e6
		fmt.Fprintf(&b, "| %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.kind.name, thousands(r.rows), mb, thousands(r.loaded), thousands(r.rejected),
			num(rev.Seconds, "%.2f"), num(float64(r.rows)/rev.Seconds, ","), num(mb/rev.Seconds, "%.1f"), num(rev.RSSMiB, "%.0f"),
			num(cp.Seconds, "%.2f"), num(cp.RSSMiB, "%.0f"),
			num(rev.Seconds/cp.Seconds, "%.2f×"), num(rev.RSSMiB/cp.RSSMiB, "%.2f×"))
		if len(r.revisit) > 0 && len(r.copy) > 0 && r.copyRows != r.rows {
			failures = append(failures, fmt.Sprintf("%s: COPY loaded %d rows, Revisit read %d", r.kind.name, r.copyRows, r.rows))
		}
		if r.warn > 0 {
			failures = append(failures, fmt.Sprintf("%s: Revisit reported %d warnings on clean data", r.kind.name, r.warn))
		}
		for _, f := range r.failures {
			failures = append(failures, r.kind.name+": "+f)
		}
	}
	if o.repeat > 1 {
		b.WriteString("\nEvery run, seconds (peak MiB):\n\n")
		for _, r := range results {
			fmt.Fprintf(&b, "- %s: Revisit %s; COPY %s\n", r.kind.name, listSamples(r.revisit), listSamples(r.copy))
		}
	}
	if len(failures) > 0 {
		b.WriteString("\nProblems:\n\n")
		for _, f := range failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

// medians takes the median of each measure separately; NaN when there is
// nothing to take it of, which the table shows as "—".
func medians(ss []machine.Sample) machine.Sample {
	med := func(f func(machine.Sample) float64) float64 {
		if len(ss) == 0 {
			return math.NaN()
		}
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return machine.Sample{
		Seconds: med(func(s machine.Sample) float64 { return s.Seconds }),
		RSSMiB:  med(func(s machine.Sample) float64 { return s.RSSMiB }),
	}
}

// num formats x with format, or with thousands separators when format is
// ","; NaN and infinities (a failed side) become "—".
func num(x float64, format string) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	if format == "," {
		return thousands(int64(x + 0.5))
	}
	return fmt.Sprintf(format, x)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func listSamples(ss []machine.Sample) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("%.2f (%.0f)", s.Seconds, s.RSSMiB)
	}
	return strings.Join(parts, ", ")
}
