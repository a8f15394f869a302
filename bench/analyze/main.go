// Command analyze benchmarks `revisit analyze` on a loaded warehouse against
// the pure-SQL cost of the per-guest aggregates it starts from.
//
// Method. The baseline opens a copy of the warehouse in a child process and
// runs, alone, one query of what every per-guest metric needs — visits by
// guest with first arrival, last departure and total spend over all stays,
// joined through the identity map — and counts its rows. Then `revisit
// analyze --json` runs on another copy as a child process. Both are timed
// from outside (wall time, peak RSS from wait4), on the same machine in the
// same run; analyze's own phase timings come from its JSON.
package main

import (
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
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// baselineQuery is the per-guest aggregate every analysis starts from.
const baselineQuery = `SELECT count(*) FROM (
	SELECT gp.guest_id, count(*) AS stays, min(s.arrival) AS first_arrival, max(s.departure) AS last_departure,
	       sum(s.spend_cents) AS spend
	FROM stays s JOIN guest_profiles gp USING (profile_id)
	WHERE s.departure <= CAST(? AS TIMESTAMPTZ)
	GROUP BY gp.guest_id)`

type measure struct {
	seconds float64
	peakMiB float64
	out     []byte
}

func run(cmd *exec.Cmd) (measure, error) {
	start := time.Now()
	out, err := cmd.Output()
	m := measure{seconds: time.Since(start).Seconds(), out: out}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peakMiB = float64(ru.Maxrss) / 1024
	}
	return m, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func main() {
	db := flag.String("db", "", "a loaded warehouse (copied, never changed)")
	revisit := flag.String("revisit", "", "the revisit binary")
	asOf := flag.String("as-of", "", "the day to analyse, YYYY-MM-DD")
	child := flag.Bool("baseline-child", false, "internal: run the baseline query")
	flag.Parse()
	if *child {
		os.Exit(baselineChild(*db, *asOf))
	}
	if *db == "" || *revisit == "" || *asOf == "" {
		flag.Usage()
		os.Exit(2)
	}
	work, err := os.MkdirTemp(filepath.Dir(*db), "bench-analyze-")
	check(err)
	defer os.RemoveAll(work)
	base, full := filepath.Join(work, "base.duckdb"), filepath.Join(work, "full.duckdb")
	check(copyFile(*db, base))
	check(copyFile(*db, full))
	if key, err := os.ReadFile(*db + ".key"); err == nil {
		os.WriteFile(full+".key", key, 0o600)
	}

	self, _ := os.Executable()
	b, err := run(exec.Command(self, "-baseline-child", "-db", base, "-as-of", *asOf))
	check(err)
	a, err := run(exec.Command(*revisit, "analyze", "--db", full, "--as-of", *asOf, "--json"))
	check(err)
	var res struct {
		Guests, Visits int64
		TimingsMS      map[string]int64 `json:"timings_ms"`
		SelectedModel  string           `json:"selected_model"`
	}
	check(json.Unmarshal(a.out, &res))

	fmt.Printf("## analyze benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Printf("- %d guests with visits, %d visits; as of %s; %d cores; selected model %s\n\n", res.Guests, res.Visits, *asOf, runtime.NumCPU(), res.SelectedModel)
	fmt.Println("| run | seconds | peak MiB | × baseline |")
	fmt.Println("|---|--:|--:|--:|")
	fmt.Printf("| baseline: per-guest aggregates in one SQL query | %.2f | %.0f | 1.00× |\n", b.seconds, b.peakMiB)
	fmt.Printf("| `revisit analyze` (everything, stored) | %.2f | %.0f | %.2f× |\n\n", a.seconds, a.peakMiB, a.seconds/b.seconds)
	fmt.Println("| phase | ms |")
	fmt.Println("|---|--:|")
	for _, p := range []string{"summaries", "backtest", "fit", "metrics", "targets", "save"} {
		fmt.Printf("| %s | %d |\n", p, res.TimingsMS[p])
	}
}

func baselineChild(path, asOf string) int {
	db, err := sql.Open("duckdb", path+"?threads="+fmt.Sprint(runtime.NumCPU())+"&memory_limit=4GB")
	check(err)
	defer db.Close()
	ctx := context.Background()
	check2(db.ExecContext(ctx, "SET TimeZone = 'Asia/Shanghai'"))
	day, err := time.ParseInLocation(time.DateOnly, asOf, time.FixedZone("CST", 8*3600))
	check(err)
	var n int64
	check(db.QueryRowContext(ctx, baselineQuery, day.AddDate(0, 0, 1)).Scan(&n))
	fmt.Println(n)
	return 0
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/analyze:", err)
		os.Exit(1)
	}
}

func check2(_ any, err error) { check(err) }
