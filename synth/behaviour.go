package synth

import (
	"math"
	"math/rand/v2"
	"slices"
)

// archetype is a guest's rhythm of return.
type archetype uint8

const (
	oneTimer      archetype = iota // comes once
	regular                        // returns on a personal cycle of 20–120 days
	seasonal                       // the same months every year
	anniversary                    // the same week every year
	lapsing                        // a regular who stopped coming
	companyBooker                  // books rooms for a company, often, often several at once
	numArchetypes
)

// habit is what a guest comes for.
type habit uint8

const (
	habitLeisure     habit = iota // weekend room stays, dinners
	habitBusiness                 // weekday room stays, business meals
	habitDiner                    // a local who eats here
	habitCelebration              // a wedding or birthday banquet, then dinners
	habitCorporate                // conferences for a company
	numHabits
)

var habitWeights = [numArchetypes][]float64{
	oneTimer:    {40, 20, 28, 5, 7},
	regular:     {10, 45, 40, 0, 5},
	seasonal:    {70, 0, 30, 0, 0},
	anniversary: {30, 0, 65, 5, 0},
	lapsing:     {15, 40, 40, 0, 5},
	// A booker is a business traveller's assistant: weekday room stays.
	companyBooker: {0, 1, 0, 0, 0},
}

// sparseHabitWeights lean towards rooms: in a hotel where most guests come
// once, most come to sleep, and the locals who dine often are few.
var sparseHabitWeights = [numArchetypes][]float64{
	oneTimer:      {58, 26, 8, 3, 5},
	regular:       {20, 55, 20, 0, 5},
	seasonal:      {85, 0, 15, 0, 0},
	anniversary:   {55, 0, 40, 5, 0},
	lapsing:       {30, 50, 15, 0, 5},
	companyBooker: {0, 1, 0, 0, 0},
}

// mix is the share of each archetype, how fast the regulars come back, and
// what the shape changes in people's habits.
type mix struct {
	share    [numArchetypes]float64
	cycleDiv float64 // regular and lapsing cycles are divided by this
	// habits and kinds replace habitWeights and visitWeights when set.
	habits *[numArchetypes][]float64
	kinds  *[numHabits][]float64
	// dayUse is the share of room visits that are day-use stays.
	dayUse float64
}

// naturalMix is the dense hotel's clientele: many come once, many return.
var naturalMix = mix{share: [numArchetypes]float64{0.60, 0.18, 0.08, 0.05, 0.09}, cycleDiv: 1}

// sparseMix is a real hotel's clientele, as in the public resort and city
// hotel bookings of Portugal (75,166 stays, almost every guest once): with
// the repeat visits of seasonal, anniversary and lapsing guests and the
// last-day visits, about 88 % of the people who came came once.
var sparseMix = mix{
	share:    [numArchetypes]float64{0.895, 0.025, 0.025, 0.02, 0.03, 0.005},
	cycleDiv: 1,
	habits:   &sparseHabitWeights,
	kinds:    &sparseVisitWeights,
	dayUse:   0.03,
}

// baseMix is the natural mix of a shape.
func baseMix(s Shape) mix {
	if s == ShapeSparse {
		return sparseMix
	}
	return naturalMix
}

// shares is the archetype weights to draw from. A mix without company
// bookers draws from the five archetypes it had before bookers existed, so
// a dense hotel's people stay exactly what they were.
func (m mix) shares() []float64 {
	if m.share[companyBooker] == 0 {
		return m.share[:companyBooker]
	}
	return m.share[:]
}

// leanMix moves a shape's natural mix along one knob k: k in [-1, 0) hands the
// returning archetypes' share to one-timers (all one-timers at -1); k in
// (0, 1] moves a quarter of everyone from one-timers to regulars; k above 1
// then shortens regular and lapsing cycles k-fold. The mean number of stays
// a person grows with k, which lets calibrate find a target by bisection.
func leanMix(base mix, k float64) mix {
	m := base
	if k < 0 {
		f := 1 + max(k, -1)
		rest := 0.0
		for a := regular; a < numArchetypes; a++ {
			m.share[a] *= f
			rest += m.share[a]
		}
		m.share[oneTimer] = 1 - rest
		return m
	}
	s := min(k, 1)
	m.share[oneTimer] -= 0.25 * s
	m.share[regular] += 0.25 * s
	if k > 1 {
		m.cycleDiv = k
	}
	return m
}

// window is the span of days on which stays may arrive and depart.
type window struct{ first, last day }

func (w window) days() int { return int(w.last-w.first) + 1 }

// anchors are the days a person means to come, before the visit shapes them.
func (w window) anchors(r *rand.Rand, a archetype, m mix, out []day) []day {
	n := w.days()
	switch a {
	case regular:
		c := cycle(r, 20, 120, m.cycleDiv)
		t := float64(w.first) + r.Float64()*c
		if chance(r, 0.45) { // a regular who found the hotel during the window
			t = float64(w.first) + r.Float64()*float64(n)
		}
		for ; t <= float64(w.last); t += c * jitter(r, 0.25) {
			out = append(out, day(t))
		}
	case lapsing:
		// Half were regulars before the history starts, half found the hotel
		// in its first half; all came three to ten times, then stopped long
		// enough ago for the silence to show.
		c := cycle(r, 20, 90, m.cycleDiv)
		start := float64(w.first) + r.Float64()*c
		if chance(r, 0.5) {
			start = float64(w.first) + r.Float64()*0.55*float64(n)
		}
		stop := min(start+c*float64(between(r, 3, 10)), float64(w.last)-2.5*c)
		for t := start; t <= stop; t += c * jitter(r, 0.2) {
			out = append(out, day(t))
		}
	case companyBooker:
		// Rooms for colleagues every week or few, from whenever the
		// company started using the hotel.
		c := cycle(r, 7, 45, m.cycleDiv)
		t := float64(w.first) + r.Float64()*c
		if chance(r, 0.4) {
			t = float64(w.first) + r.Float64()*float64(n)
		}
		for ; t <= float64(w.last); t += c * jitter(r, 0.35) {
			out = append(out, day(t))
		}
	case seasonal:
		out = w.seasonalAnchors(r, out)
	case anniversary:
		_, m, d := (w.first + day(r.IntN(365))).date()
		d = min(d, 28)
		fy, _, _ := w.first.date()
		ly, _, _ := w.last.date()
		for y := fy; y <= ly; y++ {
			if chance(r, 0.9) {
				out = append(out, dayOf(y, m, d)+day(between(r, -3, 3)))
			}
		}
	default:
		out = append(out, w.first+day(r.IntN(n)))
	}
	return out
}

// cycle is a personal return interval in days, log-uniform on [lo, hi].
func cycle(r *rand.Rand, lo, hi, div float64) float64 {
	c := math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
	return max(2, c/div)
}

// seasonMonths weights the months seasonal guests favour: the Spring
// Festival, May Day, the summer holidays and the October Golden Week.
var seasonMonths = []float64{10, 12, 3, 6, 10, 3, 14, 14, 3, 14, 3, 6}

func (w window) seasonalAnchors(r *rand.Rand, out []day) []day {
	months := []int{1 + weighted(r, seasonMonths)}
	if chance(r, 0.35) {
		months = append(months, 1+weighted(r, seasonMonths))
	}
	fy, _, _ := w.first.date()
	ly, _, _ := w.last.date()
	for y := fy; y <= ly; y++ {
		for _, m := range months {
			visits := 0
			if chance(r, 0.85) {
				visits = 1
				if chance(r, 0.3) {
					visits = 2
				}
			}
			for range visits {
				d := between(r, 1, 28)
				if m == 10 && chance(r, 0.8) {
					d = between(r, 1, 7)
				}
				out = append(out, dayOf(y, m, d))
			}
		}
	}
	return out
}

// traits are the facts about a person that shape their visits.
type traits struct {
	arch      archetype
	habit     habit
	spend     float64 // multiplier from the VIP level
	roomClass int     // 0 standard, 1 deluxe, 2 suite
	outlet    outlet  // favourite place to eat
	channel   channel // usual way of booking a room
}

// drawTraits picks an archetype from m and the habits that go with it; the
// VIP-dependent fields are set later by the identity.
func drawTraits(r *rand.Rand, m mix) traits {
	t := traits{arch: archetype(weighted(r, m.shares())), spend: 1}
	habits := &habitWeights
	if m.habits != nil {
		habits = m.habits
	}
	t.habit = habit(weighted(r, habits[t.arch]))
	t.outlet = outlet(outletChinese + outlet(weighted(r, []float64{55, 30})))
	if chance(r, 0.15) {
		t.outlet = outletBar
	}
	t.channel = channel(weighted(r, roomChannels[t.habit]))
	return t
}

// visits lays a person's occasions on the calendar: anchors become visits,
// visits never overlap, nothing departs after the window, and about one
// person in a hundred is made to depart on the last day, so that the day's
// callbacks exist.
func (w window) visits(r *rand.Rand, t traits, m mix, idx int, anchors []day, out []occasion) ([]day, []occasion) {
	anchors = w.anchors(r, t.arch, m, anchors[:0])
	slices.Sort(anchors)
	free := w.first
	for vi, a := range anchors {
		if a < w.first {
			continue // a seasonal or anniversary date before the history starts
		}
		a = max(a, free)
		a = preferDays(r, t.habit, a)
		if a > w.last {
			break
		}
		kind := visitKindFor(r, t, m, vi)
		n := len(out)
		out = w.visit(r, t, kind, a, free, out)
		for i := n; i < len(out); i++ {
			out[i].visit = int32(vi)
			free = max(free, out[i].departure.day()+1)
		}
	}
	if idx%97 == 0 && t.arch != lapsing && free < w.last {
		kind := visitDining
		if t.habit == habitLeisure || t.habit == habitBusiness {
			kind = visitRoom
		}
		n := len(out)
		out = w.visitEndingOn(r, t, kind, w.last, free, out)
		for i := n; i < len(out); i++ {
			out[i].visit = int32(len(anchors))
		}
	}
	return anchors, out
}

// preferDays moves business arrivals to a weekday and leisure ones towards
// the weekend, as real bookings lean.
func preferDays(r *rand.Rand, h habit, d day) day {
	switch wd := d.weekday(); {
	case h == habitBusiness && (wd == 5 || wd == 6 || wd == 0) && chance(r, 0.7):
		return d + day((8-wd)%7) // next Monday
	case h == habitLeisure && wd >= 1 && wd <= 4 && chance(r, 0.5):
		return d + day(5-wd) // Friday
	}
	return d
}
