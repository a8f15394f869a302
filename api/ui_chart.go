package api

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts drawn on the server as inline SVG: the pages run no script of
// their own making and the Content Security Policy forbids inline styles,
// so a chart is markup with presentation attributes (and classes a page's
// style sheet may refine). The viewBox is fixed and the CSS stretches it to
// the width of the screen.

// chartKind says how a chart draws its points.
type chartKind int

const (
	chartLine chartKind = iota
	chartBars
)

// chartPoint is one step of the x axis: a label, and a value unless the
// step had nothing to measure, which is drawn as a gap rather than a zero.
type chartPoint struct {
	Label string
	Value float64
	Known bool
	Tip   string // the tooltip; the label and the value when empty
}

// drawn says whether the point has a value to draw.
func (p chartPoint) drawn() bool { return p.Known && !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) }

// chart is a small line or bar chart of one series.
type chart struct {
	Title  string // the accessible name
	Kind   chartKind
	Points []chartPoint
	// Floor and Ceil are the y range always shown; values outside widen it.
	// Both zero: the range of the data, and zero.
	Floor, Ceil float64
	Format      func(float64) string // the y labels and default tooltips
	Empty       string               // what a chart without values says
}

const (
	chartWidth, chartHeight = 400, 200 // about the width it is shown at, so its text stays legible
	chartLeft, chartRight   = 44, 10
	chartTop, chartBottom   = 12, 26
	chartMaxXLabels         = 5
	chartInk                = "#0a5bd6"
	chartMuted              = "#5b6773"
	chartRule               = "#d5dbe1"
)

// SVG draws the chart. Every text in it is escaped.
func (ch chart) SVG() template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + strconv.Itoa(chartWidth) + " " + strconv.Itoa(chartHeight) +
		`" role="img" aria-label="` + chartEsc(ch.Title) + `">`)
	if ch.Title != "" {
		b.WriteString("<title>" + chartEsc(ch.Title) + "</title>")
	}
	bottom, right := float64(chartHeight-chartBottom), float64(chartWidth-chartRight)
	b.WriteString(`<line class="axis" x1="` + chartCoord(chartLeft) + `" y1="` + chartCoord(chartTop) + `" x2="` + chartCoord(chartLeft) + `" y2="` + chartCoord(bottom) +
		`" stroke="` + chartRule + `"/><line class="axis" x1="` + chartCoord(chartLeft) + `" y1="` + chartCoord(bottom) + `" x2="` + chartCoord(right) + `" y2="` + chartCoord(bottom) +
		`" stroke="` + chartRule + `"/>`)
	lo, hi, ok := ch.yRange()
	if !ok {
		b.WriteString(chartText(chartWidth/2, chartHeight/2, "middle", "empty", ch.Empty))
		b.WriteString("</svg>")
		return template.HTML(b.String())
	}
	y := func(v float64) float64 { return bottom - (v-lo)/(hi-lo)*(bottom-chartTop) }
	b.WriteString(chartText(chartLeft-6, chartTop+4, "end", "tick", ch.format(hi)))
	b.WriteString(chartText(chartLeft-6, bottom, "end", "tick", ch.format(lo)))
	b.WriteString(`<line class="grid" x1="` + chartCoord(chartLeft) + `" y1="` + chartCoord(chartTop) + `" x2="` + chartCoord(right) + `" y2="` + chartCoord(chartTop) +
		`" stroke="` + chartRule + `" stroke-dasharray="3 3"/>`)
	if lo < 0 && hi > 0 {
		b.WriteString(`<line class="zero" x1="` + chartCoord(chartLeft) + `" y1="` + chartCoord(y(0)) + `" x2="` + chartCoord(right) + `" y2="` + chartCoord(y(0)) +
			`" stroke="` + chartMuted + `"/>`)
	}
	n := len(ch.Points)
	slot := (right - chartLeft) / float64(n)
	x := func(i int) float64 { return chartLeft + slot*(float64(i)+0.5) }
	for _, i := range labelledSteps(n) {
		b.WriteString(chartText(x(i), bottom+17, "middle", "tick", ch.Points[i].Label))
	}
	if ch.Kind == chartBars {
		base := y(max(lo, 0))
		for i, p := range ch.Points {
			if !p.drawn() {
				continue
			}
			top, h := math.Min(y(p.Value), base), math.Abs(base-y(p.Value))
			b.WriteString(`<rect class="bar" x="` + chartCoord(x(i)-slot*0.35) + `" y="` + chartCoord(top) + `" width="` + chartCoord(slot*0.7) +
				`" height="` + chartCoord(h) + `" fill="` + chartInk + `"><title>` + chartEsc(ch.tip(p)) + `</title></rect>`)
		}
	} else {
		for _, run := range knownRuns(ch.Points) {
			if len(run) < 2 {
				continue
			}
			pts := make([]string, len(run))
			for k, i := range run {
				pts[k] = chartCoord(x(i)) + "," + chartCoord(y(ch.Points[i].Value))
			}
			b.WriteString(`<polyline class="line" fill="none" stroke="` + chartInk + `" stroke-width="2" points="` + strings.Join(pts, " ") + `"/>`)
		}
		for i, p := range ch.Points {
			if p.drawn() {
				b.WriteString(`<circle class="pt" cx="` + chartCoord(x(i)) + `" cy="` + chartCoord(y(p.Value)) + `" r="3.5" fill="` + chartInk +
					`"><title>` + chartEsc(ch.tip(p)) + `</title></circle>`)
			}
		}
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// yRange is the y axis's range; ok is false when no point has a value.
func (ch chart) yRange() (lo, hi float64, ok bool) {
	lo, hi = ch.Floor, ch.Ceil
	if ch.Kind == chartBars || (lo == 0 && hi == 0) {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	for _, p := range ch.Points {
		if p.drawn() {
			lo, hi, ok = min(lo, p.Value), max(hi, p.Value), true
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	return lo, hi, ok
}

func (ch chart) format(v float64) string {
	if ch.Format != nil {
		return ch.Format(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func (ch chart) tip(p chartPoint) string {
	if p.Tip != "" {
		return p.Tip
	}
	return p.Label + ": " + ch.format(p.Value)
}

// labelledSteps are the steps of the x axis that get a label: the first
// and then evenly spaced, at most chartMaxXLabels so that they never overlap.
func labelledSteps(n int) []int {
	if n == 0 {
		return nil
	}
	every := max(1, (n-1+chartMaxXLabels-2)/(chartMaxXLabels-1)) // ⌈(n−1)/(max−1)⌉
	var steps []int
	for i := 0; i < n; i += every {
		steps = append(steps, i)
	}
	return steps
}

// knownRuns splits the points into runs of consecutive known values: a
// line is broken where a step had nothing to measure.
func knownRuns(points []chartPoint) [][]int {
	var runs [][]int
	var run []int
	for i, p := range points {
		if p.drawn() {
			run = append(run, i)
			continue
		}
		if run != nil {
			runs, run = append(runs, run), nil
		}
	}
	if run != nil {
		runs = append(runs, run)
	}
	return runs
}

func chartText(x, y float64, anchor, class, s string) string {
	return `<text class="` + class + `" x="` + chartCoord(x) + `" y="` + chartCoord(y) + `" text-anchor="` + anchor +
		`" font-size="12" fill="` + chartMuted + `">` + chartEsc(s) + `</text>`
}

func chartCoord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func chartEsc(s string) string { return template.HTMLEscapeString(s) }
