package synth

import (
	"math/rand/v2"
)

// Identity traps (Config.IdentityTraps): the records that fool identity
// resolution in a Chinese hotel, with the truth kept.
//
//   - Households: a person shares the mobile of the person generated before
//     them (a couple, a mother and daughter, three generations), each with
//     their own resident ID when they are mainland guests.
//   - Lent cards: a person checks in on the member card of the person
//     before them, who is then always a member.
//   - Second phones: a person gets an extra profile under a second mobile,
//     half the time with their ID number on it, else linked by nothing.
//   - Assistants: in some blocks of assistantBlock people an assistant books
//     most of them under the assistant's own mobile, half the time with the
//     guest's ID number.
//
// Who is which is decided by a hash of (seed, person), not by the person's
// random stream, so a person knows whether the next one shares their
// mobile or borrows their card without generating them.
const (
	householdShare  = 0.06
	borrowerShare   = 0.03
	secondPhoneRate = 0.04
	assistantShare  = 0.04
	assistantBlock  = 8
	assistantBooks  = 0.75 // of the block's people
)

// Index spaces of the mobile permutation for the traps' shared numbers.
const (
	phoneSpaceHousehold = 60_000_000
	phoneSpaceAssistant = 70_000_000
)

// Salts of the traps' rolls.
const (
	rollHousehold uint64 = iota + 1
	rollBorrower
	rollSecondPhone
	rollAssistant
)

// trapRoll is a uniform [0, 1) draw for (seed, key, salt).
func (g *generator) trapRoll(key int, salt uint64) float64 {
	x := mix64(uint64(g.cfg.Seed)*0x9e3779b97f4a7c15 ^ mix64(uint64(key)<<3|salt))
	return float64(x>>11) / (1 << 53)
}

// householdHead is the first person of idx's household (idx itself when
// idx joins nobody).
func (g *generator) householdHead(idx int) int {
	for idx > 0 && g.trapRoll(idx, rollHousehold) < householdShare {
		idx--
	}
	return idx
}

func (g *generator) inHousehold(idx int) bool {
	return g.householdHead(idx) != idx || (idx+1 < g.cfg.Guests && g.trapRoll(idx+1, rollHousehold) < householdShare)
}

func (g *generator) borrowsCard(idx int) bool {
	return idx > 0 && g.trapRoll(idx, rollBorrower) < borrowerShare
}

// memberNoOf is person k's member number, as identity draws it.
func (g *generator) memberNoOf(k int) string { return "88" + pad8(g.members.apply(uint64(k), 1e8)) }

// trapPerson sets the shared mobile, the lent card and what they imply on
// person idx, before their profiles are made.
func (g *generator) trapPerson(r *rand.Rand, idx int, p *person) {
	if g.inHousehold(idx) {
		head := uint64(g.householdHead(idx))
		p.mobile = phone{cc: 86, nsn: cnPrefixes[head%uint64(len(cnPrefixes))]*1e8 + g.mobiles.apply(phoneSpaceHousehold+head, 1e8)}
		if p.idBody == 0 && !p.foreign {
			p.idBody = g.residentID(r, p.birthday, p.female)
		}
		g.traps.households++
	}
	if idx+1 < g.cfg.Guests && g.borrowsCard(idx+1) && p.memberNo == "" { // the lender
		p.memberNo, p.vip = g.memberNoOf(idx), 0
	}
	if g.borrowsCard(idx) {
		p.memberNo = g.memberNoOf(idx - 1)
		p.vip = max(p.vip, 0)
		g.traps.borrowers++
	}
}

// trapProfiles adds the profiles a second phone or an assistant opened.
func (g *generator) trapProfiles(r *rand.Rand, idx int, p person, occs []occasion, out []profile) []profile {
	first := out[0]
	extra := func(mobile phone) profile {
		e := profile{person: first.person, name: p.name, title: p.title, female: p.female, birthday: p.birthday,
			hasBirth: p.hasBirth, vip: -1, butler: -1, mobile: mobile, consent: freshConsent(r)}
		e.created = g.laterCreation(r, occs, out[len(out)-1].created)
		if first.idNumber != "" && !first.badID && chance(r, 0.5) {
			e.idNumber = first.idNumber
		}
		return e
	}
	if g.trapRoll(idx, rollSecondPhone) < secondPhoneRate {
		out = append(out, extra(g.secondMobile(r)))
		g.traps.secondPhones++
	}
	block := idx / assistantBlock
	if g.trapRoll(block, rollAssistant) < assistantShare && chance(r, assistantBooks) {
		k := uint64(block)
		out = append(out, extra(phone{cc: 86, nsn: 186e8 + g.mobiles.apply(phoneSpaceAssistant+k, 1e8)}))
		g.traps.assistantBooked++
	}
	return out
}

// trapCounts is what the Summary says of the traps.
type trapCounts struct {
	households, borrowers, secondPhones, assistantBooked int
}

func (c trapCounts) fill(s *Summary) {
	s.HouseholdPeople, s.CardBorrowers, s.SecondPhoneProfiles, s.AssistantProfiles = c.households, c.borrowers, c.secondPhones, c.assistantBooked
}

// IdentityTruthName is the file in OutDir that says, when IdentityTraps is
// set, which person each profile is: a JSON object from 客户编号 to the
// person's number (from 1). JSON, so that a folder import skips it.
const IdentityTruthName = "identity_truth.json"
