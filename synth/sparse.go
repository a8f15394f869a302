package synth

import "math/rand/v2"

// dayUseStay is a room taken for the day (钟点房): in late morning or around
// noon, out three to five hours later, at a little over half the night's
// rate. Both times are written out, so no reader has to guess a clock for a
// bare date.
func (w window) dayUseStay(r *rand.Rand, t traits, a day, out []occasion) []occasion {
	arrival := a.at(10+r.IntN(4), r.IntN(60))
	o := occasion{
		outlet:    outletRoom,
		arrival:   arrival,
		departure: arrival + minute(between(r, 180, 300)),
		party:     int16(1 + weighted(r, []float64{60, 40})),
		roomClass: int8(t.roomClass),
		channel:   channel(weighted(r, []float64{40, 20, 25, 15, 0, 0})),
	}
	o.spend = pick(r, roomRates[t.roomClass]) * 55 / 100 * 100
	return append(out, o)
}

// groupRooms is a company booker's booking: one to three rooms for
// colleagues, the same nights, at the company rate, all under the booker's
// profile — one visit of the booker, several room stays.
func (w window) groupRooms(r *rand.Rand, t traits, a day, out []occasion) []occasion {
	n := nightsFor(r, habitBusiness)
	dep := a + day(n)
	if dep > w.last {
		return out
	}
	class := min(t.roomClass, 1)
	for range 1 + weighted(r, []float64{55, 30, 15}) {
		rate := pick(r, roomRates[class]) * 85 / 100
		out = append(out, occasion{
			outlet:    outletRoom,
			arrival:   a.at(between(r, 15, 21), r.IntN(60)),
			departure: dep.at(between(r, 7, 12), r.IntN(60)),
			party:     1,
			nights:    int16(n),
			roomClass: int8(class),
			channel:   channelCorporate,
			spend:     rate * int64(n) * 100,
		})
	}
	return out
}

// visitTruth counts what the Summary says of people's visits.
type visitTruth struct {
	visitors, oneVisit, dayUse, bookers int
}

// add counts one person's occasions. Occasions come in visit order, and a
// person's visits never touch (each starts after the previous one's last
// departure day), so a visit is a run of occasions with the same index.
func (v *visitTruth) add(a archetype, occs []occasion) {
	if a == companyBooker {
		v.bookers++
	}
	visits := 0
	for i, o := range occs {
		if i == 0 || o.visit != occs[i-1].visit {
			visits++
		}
		if o.outlet == outletRoom && o.nights == 0 {
			v.dayUse++
		}
	}
	if visits > 0 {
		v.visitors++
	}
	if visits == 1 {
		v.oneVisit++
	}
}

// fill writes the counts into s.
func (v visitTruth) fill(s *Summary, shape Shape) {
	s.Shape = shape
	s.Visitors, s.OneVisit, s.DayUseStays, s.CompanyBookers = v.visitors, v.oneVisit, v.dayUse, v.bookers
}
