package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/bench/internal/machine"
)

// render is the report in Markdown: both sides' medians, and every figure
// per guest analysed.
func render(o options, r results) string {
	var b strings.Builder
	title := "analyze benchmark"
	if o.label != "" {
		title += ": " + o.label
	}
	last := r.runs[len(r.runs)-1]
	guests := float64(last.Guests)
	fmt.Fprintf(&b, "## %s, %s\n\n", title, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	// The folder and file only: a report names no path of the machine.
	fmt.Fprintf(&b, "- Warehouse: %s; as of %s\n", filepath.Join(filepath.Base(filepath.Dir(o.db)), filepath.Base(o.db)), o.asOf)
	fmt.Fprintf(&b, "- %d guests with visits, %d visits (%.2f a guest); the baseline grouped %d guests; selected model %s\n",
		last.Guests, last.Visits, float64(last.Visits)/guests, r.baseRows, last.SelectedModel)
	fmt.Fprintf(&b, "- Machine: %d cores (%s), %s, Linux %s; load average %s before, %s after\n",
		runtime.NumCPU(), machine.ProcField("/proc/cpuinfo", "model name"), machine.MemTotal(), machine.Kernel(), r.load0, machine.LoadAverage())
	if o.revision != "" {
		fmt.Fprintf(&b, "- Revision: %s\n", o.revision)
	}
	fmt.Fprintf(&b, "- Runs: %d of each side (medians); peak RSS floor of a child %.0f MiB\n\n", o.repeat, r.floorMiB)

	baseS, fullS := median(seconds(r.base)), median(seconds(r.full))
	baseM, fullM := median(rss(r.base)), median(rss(r.full))
	b.WriteString("| run | seconds | µs per guest | peak MiB | KiB per guest | × baseline |\n|---|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(&b, "| baseline: per-guest aggregates in one SQL query | %.2f | %.2f | %.0f | %.2f | 1.00× |\n",
		baseS, 1e6*baseS/guests, baseM, 1024*baseM/guests)
	fmt.Fprintf(&b, "| `revisit analyze` (everything, stored) | %.2f | %.2f | %.0f | %.2f | %.2f× |\n\n",
		fullS, 1e6*fullS/guests, fullM, 1024*fullM/guests, fullS/baseS)

	b.WriteString("| phase | ms | µs per guest |\n|---|--:|--:|\n")
	for _, p := range phases {
		var ms []float64
		for _, a := range r.runs {
			ms = append(ms, float64(a.TimingsMS[p]))
		}
		m := median(ms)
		fmt.Fprintf(&b, "| %s | %.0f | %.2f |\n", p, m, 1e3*m/guests)
	}
	if len(r.full) > 1 {
		b.WriteString("\nEvery run (seconds, peak MiB): ")
		for i := range r.full {
			fmt.Fprintf(&b, "baseline %.2f/%.0f, analyze %.2f/%.0f; ", r.base[i].Seconds, r.base[i].RSSMiB, r.full[i].Seconds, r.full[i].RSSMiB)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func seconds(s []machine.Sample) []float64 {
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = x.Seconds
	}
	return out
}

func rss(s []machine.Sample) []float64 {
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = x.RSSMiB
	}
	return out
}
