package synth

import (
	"math/rand/v2"
)

// profile is one row of the guest archive (客史档案). One person may have
// several: the front desk opens a new 客户编号 rather than search.
type profile struct {
	num       int64 // the number in G0000123, assigned once all are made
	person    int32
	created   minute
	name      string
	title     string
	female    bool
	birthday  day
	hasBirth  bool
	mobile    phone
	badMobile bool // written truncated: INVALID_MOBILE
	idNumber  string
	badID     bool // written with a wrong check character: INVALID_ID_NUMBER
	memberNo  string
	vip       int8 // -1: blank
	wechat    string
	email     string
	prefs     string
	consent   int8 // 0 unknown, 1 yes, 2 no
	dnc       bool
	butler    int8 // -1: none
}

// usableMobile is the mobile that names this profile, if it has a good one.
func (p *profile) usableMobile() bool { return p.mobile.ok() && !p.badMobile }

// linkKey is what a later profile shares with an earlier one.
type linkKey uint8

const (
	linkMobile linkKey = iota
	linkID
	linkMember
)

// Shares of people with more than one profile. A pair shares one key; a chain
// A–B–C links A to B by mobile and B to C by ID (or member number), so A and
// C share nothing and only the chain joins them.
const (
	pairShare  = 0.05
	chainShare = 0.03
)

// profilesFor makes a person's profiles and returns, for each occasion, the
// profile it names. created times never follow the first stay that names them.
func (g *generator) profilesFor(r *rand.Rand, pidx int32, p person, occs []occasion, out []profile, refs []int32) ([]profile, []int32) {
	base := profile{
		person: pidx, name: p.name, title: p.title, female: p.female,
		birthday: p.birthday, hasBirth: p.hasBirth, vip: -1, butler: -1,
	}
	first := base
	first.created = g.firstCreated(r, occs)
	first.mobile = p.mobile
	first.memberNo = p.memberNo
	first.vip = p.vip
	first.wechat, first.email, first.prefs = p.wechat, p.email, p.prefs
	first.consent = 2
	if p.consent {
		first.consent = 1
	}
	first.dnc = p.dnc
	first.butler = p.butler
	if p.idBody != 0 {
		first.idNumber = idString(p.idBody, false)
		first.hasBirth = true
	}

	u := r.Float64()
	chain := u < chainShare && (p.idBody != 0 || p.memberNo != "")
	pair := !chain && u < chainShare+pairShare
	switch {
	case chain:
		out = g.chainProfiles(r, p, first, base, occs, out)
	case pair:
		out = g.pairProfiles(r, p, first, base, occs, out)
	default:
		out = append(out, first)
	}
	if len(out) == 1 && !g.cfg.Clean {
		g.injectWarnings(r, p, &out[0])
	}

	refs = refs[:0]
	for _, o := range occs {
		refs = append(refs, nameOnStay(r, out, o.arrival))
	}
	g.forceNewProfiles(out, occs, refs)
	return out, refs
}

// firstCreated is when the archive first met the person: years before the
// window for most returning guests, else at booking or walk-in.
func (g *generator) firstCreated(r *rand.Rand, occs []occasion) minute {
	if len(occs) == 0 {
		return (g.win.first + day(r.IntN(g.win.days()))).at(between(r, 9, 21), r.IntN(60))
	}
	a := occs[0].arrival
	switch {
	case chance(r, 0.45):
		return (g.win.first - day(between(r, 30, 6*365))).at(between(r, 9, 21), r.IntN(60))
	case occs[0].outlet == outletRoom && chance(r, 0.6):
		return (a.day() - day(between(r, 1, 14))).at(between(r, 9, 21), r.IntN(60))
	default:
		return a - minute(between(r, 2, 30))
	}
}

// laterCreation is the arrival of a later occasion, when a new profile is
// opened at check-in; for a guest with no later visit, a duplicate opened a
// little after the first, never after the last day of the history.
func (g *generator) laterCreation(r *rand.Rand, occs []occasion, after minute) minute {
	var cands []minute
	for _, o := range occs {
		if o.arrival > after {
			cands = append(cands, o.arrival)
		}
	}
	if len(cands) == 0 {
		return max(after, min(after+minute(between(r, 5, 600)), g.win.last.at(23, 59)))
	}
	return pick(r, cands) - minute(between(r, 1, 10))
}

func (g *generator) pairProfiles(r *rand.Rand, p person, first, base profile, occs []occasion, out []profile) []profile {
	keys := []linkKey{linkMobile}
	if p.idBody != 0 {
		keys = append(keys, linkID)
	}
	if p.memberNo != "" {
		keys = append(keys, linkMember)
	}
	second := base
	second.created = g.laterCreation(r, occs, first.created)
	second.consent = freshConsent(r)
	switch pick(r, keys) {
	case linkID:
		second.idNumber = first.idNumber
		if chance(r, 0.5) {
			second.mobile = g.secondMobile(r)
		}
	case linkMember:
		second.memberNo = first.memberNo
		second.vip = first.vip
	default:
		second.mobile = first.mobile
	}
	return append(out, first, second)
}

func (g *generator) chainProfiles(r *rand.Rand, p person, first, base profile, occs []occasion, out []profile) []profile {
	// A: the mobile and the contact details, no ID, no card.
	a := first
	a.idNumber, a.memberNo, a.vip = "", "", -1
	// B: the same mobile, and the ID (or the card).
	b := base
	b.created = g.laterCreation(r, occs, a.created)
	b.consent = freshConsent(r)
	b.mobile = p.mobile
	// C: the ID (or the card) again, with a second handset.
	c := base
	c.created = g.laterCreation(r, occs, b.created)
	c.consent = freshConsent(r)
	c.mobile = g.secondMobile(r)
	if p.idBody != 0 {
		b.idNumber, c.idNumber = first.idNumber, first.idNumber
		b.memberNo, b.vip = p.memberNo, p.vip
	} else {
		b.memberNo, c.memberNo = p.memberNo, p.memberNo
		b.vip, c.vip = p.vip, p.vip
	}
	return append(out, a, b, c)
}

func freshConsent(r *rand.Rand) int8 {
	return int8(weighted(r, []float64{0.3, 0.5, 0.2}))
}

// secondMobile is a fresh mainland number nobody else holds.
func (g *generator) secondMobile(r *rand.Rand) phone {
	k := g.secondPhones
	g.secondPhones++
	return cnMobile(r, g.mobiles, phoneSpaceSecond+k)
}

// injectWarnings spoils a value of a single-profile person now and then: a
// truncated mobile or a wrong check character. Only people with one profile
// and no stay named by mobile are spoiled, so no identity link is lost.
func (g *generator) injectWarnings(r *rand.Rand, p person, pr *profile) {
	if !p.foreign && chance(r, 0.006) {
		pr.badMobile = true
	}
	if p.idBody != 0 && chance(r, 0.005) {
		pr.badID = true
		pr.idNumber = idString(p.idBody, true)
	}
}

// nameOnStay picks which of the person's profiles a stay at time t names:
// any that existed by then, the newest a little more often.
func nameOnStay(r *rand.Rand, ps []profile, t minute) int32 {
	best := int32(0)
	var cands []int32
	for i := range ps {
		if ps[i].created <= t {
			cands = append(cands, int32(i))
		}
	}
	switch len(cands) {
	case 0:
		return best
	case 1:
		return cands[0]
	}
	if chance(r, 0.5) {
		return cands[len(cands)-1]
	}
	return pick(r, cands)
}

// forceNewProfiles makes the occasion during which a later profile was opened
// name it: the profile was opened for that stay.
func (g *generator) forceNewProfiles(ps []profile, occs []occasion, refs []int32) {
	for pi := 1; pi < len(ps); pi++ {
		for oi := range occs {
			if d := occs[oi].arrival - ps[pi].created; d >= 0 && d <= 10 {
				refs[oi] = int32(pi)
				break
			}
		}
	}
}
