// Command analyze benchmarks `revisit analyze` on a loaded warehouse against
// the pure-SQL cost of the per-guest aggregates it starts from.
//
// Method. The baseline opens a copy of the warehouse in a child process and
// runs, alone, one query of what every per-guest metric needs — visits by
// guest with first arrival, last departure and total spend over all stays,
// joined through the identity map — and counts its rows. Then `revisit
// analyze --json` runs on another copy as a child process. Both are timed
// from outside (wall time, peak RSS from wait4), on the same machine in the
// same run; analyze's own phase timings come from its JSON. Every figure is
// also given per guest analysed, so that hotels of different shapes (a dense
// one of regulars, a sparse one where most guests come once) compare.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/revisit-hotel/revisit/bench/internal/machine"
)

// baselineQuery is the per-guest aggregate every analysis starts from.
const baselineQuery = `SELECT count(*) FROM (
	SELECT gp.guest_id, count(*) AS stays, min(s.arrival) AS first_arrival, max(s.departure) AS last_departure,
	       sum(s.spend_cents) AS spend
	FROM stays s JOIN guest_profiles gp USING (profile_id)
	WHERE s.departure <= CAST(? AS TIMESTAMPTZ)
	GROUP BY gp.guest_id)`

// dbArgs are the warehouse settings of every revisit child, as the other
// harnesses give them (they are also revisit's defaults).
var dbArgs = []string{"--threads", "0", "--memory-limit", "4GB", "--tz", "Asia/Shanghai"}

// phases are analyze's timings_ms keys, in the order they run.
var phases = []string{"summaries", "backtest", "fit", "metrics", "targets", "save"}

type options struct {
	db, revisit, asOf, label, out, revision string
	repeat                                  int
}

// analysis is what analyze --json says of a run.
type analysis struct {
	Guests, Visits int64
	TimingsMS      map[string]int64 `json:"timings_ms"`
	SelectedModel  string           `json:"selected_model"`
}

// results are the runs of both sides.
type results struct {
	base, full []machine.Sample
	runs       []analysis
	baseRows   int64
	load0      string
	floorMiB   float64
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "a loaded warehouse (copied, never changed)")
	flag.StringVar(&o.revisit, "revisit", "", "the revisit binary")
	flag.StringVar(&o.asOf, "as-of", "", "the day to analyse, YYYY-MM-DD")
	flag.StringVar(&o.label, "label", "", "what the warehouse holds, for the report's title (e.g. \"sparse hotel, 100,000 people\")")
	flag.StringVar(&o.out, "out", "", "also write the report to this file")
	flag.StringVar(&o.revision, "revision", "", "the code's revision, for the report")
	flag.IntVar(&o.repeat, "repeat", 1, "runs of each side; medians are reported")
	child := flag.Bool("baseline-child", false, "internal: run the baseline query")
	flag.Parse()
	if *child {
		if err := baselineChild(o.db, o.asOf); err != nil {
			fmt.Fprintln(os.Stderr, "bench/analyze baseline:", err)
			os.Exit(1)
		}
		return
	}
	if o.db == "" || o.revisit == "" || o.asOf == "" || o.repeat < 1 {
		flag.Usage()
		os.Exit(2)
	}
	res, err := measure(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/analyze:", err)
		os.Exit(1)
	}
	report := render(o, res)
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench/analyze:", err)
			os.Exit(1)
		}
	}
}

// measure runs both sides repeat times, each on a fresh copy of the
// warehouse (analyze writes its results into the file it reads).
func measure(ctx context.Context, o options) (results, error) {
	var res results
	work, err := os.MkdirTemp(filepath.Dir(o.db), "bench-analyze-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(work)
	floor, err := machine.Measure(exec.CommandContext(ctx, "true"))
	if err != nil {
		return res, fmt.Errorf("measure the RSS floor: %w", err)
	}
	res.floorMiB, res.load0 = floor.RSSMiB, machine.LoadAverage()
	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	for rep := 1; rep <= o.repeat; rep++ {
		base := filepath.Join(work, fmt.Sprintf("base%d.duckdb", rep))
		if err := copyWarehouse(o.db, base); err != nil {
			return res, err
		}
		cmd := exec.CommandContext(ctx, self, "-baseline-child", "-db", base, "-as-of", o.asOf)
		out, s, err := output(cmd)
		if err != nil {
			return res, fmt.Errorf("baseline run %d: %w", rep, err)
		}
		if _, err := fmt.Sscan(string(out), &res.baseRows); err != nil {
			return res, fmt.Errorf("baseline run %d said %q: %w", rep, out, err)
		}
		res.base = append(res.base, s)
		if err := os.Remove(base); err != nil {
			return res, err
		}

		full := filepath.Join(work, fmt.Sprintf("full%d.duckdb", rep))
		if err := copyWarehouse(o.db, full); err != nil {
			return res, err
		}
		args := append([]string{"analyze", "--db", full, "--as-of", o.asOf, "--json"}, dbArgs...)
		out, s, err = output(exec.CommandContext(ctx, o.revisit, args...))
		if err != nil {
			return res, fmt.Errorf("revisit analyze run %d: %w", rep, err)
		}
		var a analysis
		if err := json.Unmarshal(out, &a); err != nil {
			return res, fmt.Errorf("revisit analyze run %d: read its JSON: %w", rep, err)
		}
		res.full, res.runs = append(res.full, s), append(res.runs, a)
		if err := os.RemoveAll(full); err != nil {
			return res, err
		}
		os.Remove(full + ".wal")
		os.Remove(full + ".key")
	}
	return res, nil
}

// output runs cmd, measured from outside, and returns its stdout; its
// stderr is passed through.
func output(cmd *exec.Cmd) ([]byte, machine.Sample, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	s, err := machine.Measure(cmd)
	return out.Bytes(), s, err
}

// copyWarehouse copies a warehouse file and its ID-number key, if any.
func copyWarehouse(src, dst string) error {
	if err := copyFile(src, dst); err != nil {
		return fmt.Errorf("copy the warehouse: %w", err)
	}
	if _, err := os.Stat(src + ".key"); err == nil {
		return copyFile(src+".key", dst+".key")
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// baselineChild runs the baseline query as Revisit would open the file.
func baselineChild(path, asOf string) error {
	db, err := sql.Open("duckdb", path+"?threads="+fmt.Sprint(runtime.NumCPU())+"&memory_limit=4GB")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "SET TimeZone = 'Asia/Shanghai'"); err != nil {
		return err
	}
	day, err := time.ParseInLocation(time.DateOnly, asOf, time.FixedZone("CST", 8*3600))
	if err != nil {
		return err
	}
	var n int64
	if err := db.QueryRowContext(ctx, baselineQuery, day.AddDate(0, 0, 1)).Scan(&n); err != nil {
		return err
	}
	fmt.Println(n)
	return nil
}

// median of xs (xs is not changed).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
