package synth

import (
	"math/rand/v2"
)

// generator holds what every person's generation shares: the window, the
// calibrated mix, the roster, the room calendar and the number spaces.
type generator struct {
	cfg    Config
	win    window
	mix    mix
	roster []butler
	teams  [numTeams][]int8
	rooms  *roomCalendar

	mobiles permutation // guest, staff and junk mobiles
	members permutation // member and QQ numbers
	idSeen  map[uint64]struct{}

	pcg *rand.PCG
	rng *rand.Rand // reseeded per person, so person i is the same whatever came before

	secondPhones uint64 // next second-handset slot
	staySeq      int64
	formSeq      int64

	truth visitTruth // what the Summary says of people's visits
	traps trapCounts // what the Summary says of the identity traps

	// scratch, reused from person to person
	anchors []day
	occs    []occasion
	refs    []int32
}

// newGenerator prepares a run: the window from End and Years, the mix for
// StaysPerGuest, a roster and a hotel sized for the expected room nights.
func newGenerator(cfg Config) *generator {
	end := cfg.End.In(cfg.Loc)
	last := dayOf(end.Year(), int(end.Month()), end.Day())
	start := end.AddDate(-cfg.Years, 0, 0)
	g := &generator{
		cfg:    cfg,
		win:    window{first: dayOf(start.Year(), int(start.Month()), start.Day()) + 1, last: last},
		idSeen: make(map[uint64]struct{}),
		pcg:    rand.NewPCG(0, 0),
	}
	g.rng = rand.New(g.pcg)
	keys := newRand(cfg.Seed, streamKeys)
	g.mobiles = newPermutation(keys)
	g.members = newPermutation(keys)
	g.roster = newRoster(newRand(cfg.Seed, streamRoster), g.mobiles)
	g.teams = membersOf(g.roster)
	var nightsPerPerson float64
	g.mix, nightsPerPerson = calibrate(cfg.Seed, g.win, baseMix(cfg.Shape), cfg.StaysPerGuest)
	g.rooms = newRoomCalendar(hotelSize(cfg.Guests, nightsPerPerson, g.win), g.win)
	return g
}

// hotelSize is the number of rooms that puts the expected room nights at
// about 70 % occupancy, within what one hotel can be.
func hotelSize(guests int, nightsPerPerson float64, w window) int {
	n := int(float64(guests) * nightsPerPerson / float64(w.days()) / 0.7)
	return min(max(n, 120), 1500)
}

// batch is one person's rows.
type batch struct {
	profiles []profile
	stays    []stay
	forms    []form
}

// person generates person idx into b (reset first). Stays and forms name
// profiles and stays by their index in b.
func (g *generator) person(idx int, b *batch) {
	b.profiles, b.stays, b.forms = b.profiles[:0], b.stays[:0], b.forms[:0]
	g.pcg.Seed(uint64(g.cfg.Seed), uint64(idx))
	r := g.rng
	t := drawTraits(r, g.mix)
	p := g.identity(r, idx, &t)
	g.anchors, g.occs = g.win.visits(r, t, g.mix, idx, g.anchors, g.occs[:0])
	if g.cfg.IdentityTraps {
		g.trapPerson(r, idx, &p)
	}
	b.profiles, g.refs = g.profilesFor(r, int32(idx), p, g.occs, b.profiles, g.refs)
	if g.cfg.IdentityTraps {
		b.profiles = g.trapProfiles(r, idx, p, g.occs, b.profiles)
	}
	for i, o := range g.occs {
		b.stays = append(b.stays, g.stayOf(r, p, b.profiles, g.refs[i], o))
	}
	g.truth.add(t.arch, g.occs)
	for i := range b.stays {
		if chance(r, formShare) {
			b.forms = append(b.forms, g.formOf(r, b, int32(i)))
		}
	}
}
