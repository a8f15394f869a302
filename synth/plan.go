package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/text/width"
)

// Messy-mode file budget: about sixty files whatever the size, the last few
// nights one file each, older history grouped into longer exports.
const (
	fileBudget    = 60
	nightlyFiles  = 4
	minPeriodDays = 7
)

// period is the span of days a stays or feedback file covers, inclusive.
// Each period after the first starts on the previous one's last day: nightly
// exports overlap by a day, as PMS "last 48 hours" exports do.
type period struct {
	first, last day
	final       bool
}

// clean is the span of days whose rows appear in this file only, where bad
// rows may go.
func (p period) clean(isFirst bool) (day, day) {
	lo, hi := p.first+1, p.last-1
	if isFirst {
		lo = p.first
	}
	if p.final {
		hi = p.last
	}
	return lo, hi
}

// periods splits the window into about n files, the last nightly ones daily.
func (w window) periods(n int) []period {
	nightly := min(nightlyFiles, n-1, w.days()/10)
	histEnd := w.last - day(nightly)
	hist := int(histEnd-w.first) + 1
	perFile := max(minPeriodDays, (hist+n-nightly-1)/max(1, n-nightly))
	var ps []period
	for first := w.first; ; {
		last := min(first+day(perFile)-1, histEnd)
		if len(ps) > 0 {
			last = min(first+day(perFile), histEnd)
		}
		ps = append(ps, period{first: first, last: last})
		if last >= histEnd {
			break
		}
		first = last
	}
	for d := histEnd + 1; d <= w.last; d++ {
		ps = append(ps, period{first: d - 1, last: d})
	}
	ps[len(ps)-1].final = true
	return ps
}

// guestBatch is a guest-archive export: profiles created in [first, last];
// the first batch also holds everyone created before the window.
type guestBatch struct {
	label       string
	first, last day
	nightly     bool
}

// guestBatches cuts the window into quarters (half-years or years when
// quarters would exceed a dozen files), then the last nights one by one.
func (w window) guestBatches(nightly int) []guestBatch {
	histEnd := w.last - day(nightly)
	fy, fm, _ := w.first.date()
	ly, lm, _ := histEnd.date()
	months := 3
	for ((ly*12+lm-1)-(fy*12+fm-1))/months+1 > 12 {
		months *= 2
	}
	var bs []guestBatch
	start := (fm - 1) / months * months // first month (0-based) of the first batch
	for y, m := fy, start; ; {
		first := dayOf(y, m+1, 1)
		ny, nm := y, m+months
		if nm >= 12 {
			ny, nm = y+nm/12, nm%12
		}
		last := dayOf(ny, nm+1, 1) - 1
		b := guestBatch{label: batchLabel(y, m, months), first: max(first, w.first), last: min(last, histEnd)}
		bs = append(bs, b)
		if last >= histEnd {
			break
		}
		y, m = ny, nm
	}
	for d := histEnd + 1; d <= w.last; d++ {
		bs = append(bs, guestBatch{label: yyyymmdd(d), first: d, last: d, nightly: true})
	}
	return bs
}

func batchLabel(y, m0, months int) string {
	switch months {
	case 3:
		return fmt.Sprintf("%dQ%d", y, m0/3+1)
	case 6:
		return fmt.Sprintf("%dH%d", y, m0/6+1)
	default:
		return fmt.Sprintf("%d", y)
	}
}

func yyyymmdd(d day) string {
	y, m, dd := d.date()
	return fmt.Sprintf("%04d%02d%02d", y, m, dd)
}

// dialect is a file's format, encoding and header language.
type dialect struct {
	format   string
	encoding string
	english  bool
}

var (
	dialectGB    = dialect{"csv", encGB18030, false} // Chinese Windows Excel
	dialectBOM   = dialect{"csv", encUTF8BOM, false}
	dialectPlain = dialect{"csv", encUTF8, true} // an English-language report
	dialectXLSX  = dialect{"xlsx", encXLSX, false}
)

type share struct {
	d dialect
	w float64
}

var (
	historyDialects = []share{{dialectGB, 0.5}, {dialectBOM, 0.15}, {dialectPlain, 0.15}, {dialectXLSX, 0.2}}
	archiveDialects = []share{{dialectXLSX, 0.5}, {dialectGB, 0.3}, {dialectBOM, 0.1}, {dialectPlain, 0.1}}
	nightlyDialects = []share{{dialectGB, 0.5}, {dialectBOM, 0.2}, {dialectPlain, 0.3}}
)

// assignDialects gives n files dialects in proportion to shares (largest
// remainder, every dialect at least once when n allows), in shuffled order.
func assignDialects(r *rand.Rand, n int, shares []share) []dialect {
	counts := make([]int, len(shares))
	left := n
	for i, s := range shares {
		counts[i] = int(float64(n) * s.w)
		left -= counts[i]
	}
	for i := 0; left > 0; i = (i + 1) % len(counts) {
		counts[i]++
		left--
	}
	if n >= len(shares) {
		for i := range counts {
			if counts[i] == 0 {
				counts[i], counts[0] = 1, counts[0]-1
			}
		}
	}
	var out []dialect
	for i, c := range counts {
		for range c {
			out = append(out, shares[i].d)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// pickStyle is how one file spells its values.
func pickStyle(r *rand.Rand, d dialect) valueStyle {
	st := valueStyle{
		phone: phoneStyle(weighted(r, []float64{50, 25, 25})),
		money: moneyStyle(weighted(r, []float64{40, 30, 20, 10})),
	}
	switch {
	case d.english:
		st.date = dateStyle(weighted(r, []float64{60, 40}))
		st.money = moneyStyle(weighted(r, []float64{60, 40}))
		st.words = wordsEnglish
	case d.format == "xlsx":
		st.realDates = chance(r, 0.6)
		st.numbers = chance(r, 0.7)
		st.date = dateStyle(weighted(r, []float64{40, 30, 0, 30}))
	default:
		st.date = dateStyle(weighted(r, []float64{30, 25, 25, 20}))
	}
	return st
}

// layout is a file's columns, in order, and the header cell of each.
type layout struct {
	cols   []int
	labels []string
	has    []bool // by column
	extra  int    // which of extraHeaders the extra column is
}

// optional is a column that a file carries with probability p.
type optional struct {
	col int
	p   float64
}

// makeLayout chooses a file's columns: the required ones, some optional ones,
// sometimes an extra column nobody asked for; sometimes shuffled; headers in
// the file's language, now and then under another name, with a stray space or
// full-width letters.
func makeLayout(r *rand.Rand, cols []column, required []int, opts []optional, extra int, english bool) layout {
	chosen := make([]bool, len(cols))
	for _, c := range required {
		chosen[c] = true
	}
	for _, o := range opts {
		chosen[o.col] = chance(r, o.p)
	}
	var order []int
	for c := range cols {
		if chosen[c] && c != extra {
			order = append(order, c)
		}
	}
	if chance(r, 0.35) {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	l := layout{has: make([]bool, len(cols))}
	extraLabel := ""
	if chance(r, 0.35) {
		at := r.IntN(len(order) + 1)
		order = append(order[:at], append([]int{extra}, order[at:]...)...)
		l.extra = r.IntN(len(extraHeaders))
		extraLabel = extraHeaders[l.extra][0]
		if english {
			extraLabel = extraHeaders[l.extra][1]
		}
	}
	for _, c := range order {
		l.has[c] = true
		label := cols[c].field
		switch {
		case c == extra:
			label = extraLabel
		case !english:
			label = cols[c].zh[0]
			if len(cols[c].zh) > 1 && chance(r, 0.25) {
				label = cols[c].zh[1+r.IntN(len(cols[c].zh)-1)]
			}
		}
		l.labels = append(l.labels, label)
	}
	l.cols = order
	if chance(r, 0.3) {
		decorate(r, l.labels)
	}
	return l
}

// decorate spoils one or two header cells as hand-edited spreadsheets do:
// Latin letters typed full-width (ＶＩＰ等级), a space inside (手机 号码) or a
// stray space at either end.
func decorate(r *rand.Rand, labels []string) {
	for range 1 + r.IntN(2) {
		i := r.IntN(len(labels))
		for j, l := range labels {
			if hasASCIILetter(l) && hasNonASCII(l) && chance(r, 0.5) {
				i = j
			}
		}
		l := labels[i]
		switch runes := []rune(l); {
		case hasASCIILetter(l) && hasNonASCII(l):
			labels[i] = width.Widen.String(l)
		case hasNonASCII(l) && len(runes) >= 2 && chance(r, 0.6):
			k := 1 + r.IntN(len(runes)-1)
			labels[i] = string(runes[:k]) + " " + string(runes[k:])
		case chance(r, 0.5):
			labels[i] = l + " "
		default:
			labels[i] = " " + l
		}
	}
}

func hasASCIILetter(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return c < 0x80 && (c|0x20) >= 'a' && (c|0x20) <= 'z' })
}

func hasNonASCII(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return c >= 0x80 })
}
