package synth

import "strconv"

// Records are built in canonical form — every value the row knows, the guest
// named by 客户编号 — and a file's writer then blanks, moves or spoils cells.

func guestCode(p *profile) val { return code("G", p.num, 7) }

// butlerVal names a butler by staff id or by name.
func (g *generator) butlerVal(i int8, byID bool) val {
	if i < 0 {
		return val{}
	}
	if byID {
		return text(g.roster[i].id)
	}
	return text(g.roster[i].name)
}

func (g *generator) guestRecord(rec []val, p *profile, butlerByID bool) {
	clear(rec)
	rec[gGuestID] = guestCode(p)
	rec[gName] = text(p.name)
	rec[gTitle] = text(p.title)
	rec[gGender] = gender(p.female)
	if p.hasBirth {
		rec[gBirthday] = date(p.birthday)
	}
	switch {
	case p.badMobile:
		rec[gMobile] = text(truncatedMobile(p.mobile))
	case p.mobile.ok():
		rec[gMobile] = mobile(p.mobile)
	}
	rec[gIDNumber] = text(p.idNumber)
	rec[gMemberNo] = text(p.memberNo)
	if p.vip >= 0 {
		rec[gVIP] = text(vipLevels[p.vip])
	}
	rec[gWeChat] = text(p.wechat)
	rec[gEmail] = text(p.email)
	rec[gPrefs] = text(p.prefs)
	if p.consent > 0 {
		rec[gConsent] = yesNo(p.consent == 1)
	}
	rec[gDNC] = yesNo(p.dnc)
	rec[gCreated] = at(p.created)
	rec[gButler] = g.butlerVal(p.butler, butlerByID)
}

func (g *generator) stayRecord(rec []val, s *stay, p *profile, id val, butlerByID bool) {
	clear(rec)
	rec[sStayID] = id
	rec[sGuestID] = guestCode(p)
	rec[sName] = text(p.name)
	rec[sProperty] = text(g.cfg.Property)
	rec[sOutlet] = text(outletNames[s.outlet])
	rec[sArrival] = at(s.arrival)
	rec[sDeparture] = at(s.departure)
	rec[sSpend] = money(s.spend)
	if s.room > 0 {
		rec[sRoom] = text(strconv.Itoa(int(s.room)))
	}
	rec[sParty] = num(int64(s.party))
	rec[sButler] = g.butlerVal(s.butler, butlerByID)
	rec[sChannel] = text(channelNames[s.channel])
}

func formRecord(rec []val, f *form, id, stayID, guest val) {
	clear(rec)
	rec[fFormID] = id
	rec[fStayID] = stayID
	rec[fGuestID] = guest
	rec[fSubmitted] = at(f.submitted)
	rec[fOverall] = num(int64(f.overall))
	for a := range numAreas {
		rec[fScoreRoom+int(a)] = score(f.scores[a])
	}
	rec[fNPS] = num(int64(f.nps))
	rec[fComment] = text(f.comment)
	rec[fComplaint] = yesNo(f.complaint)
}

func (g *generator) rosterRecord(rec []val, i int, st phoneStyle) {
	b := g.roster[i]
	clear(rec)
	rec[rStaffID] = text(b.id)
	rec[rName] = text(b.name)
	rec[rTeam] = text(teamNames[b.team])
	rec[rLead] = text(g.roster[b.lead].id)
	rec[rRole] = text(b.role)
	rec[rPhone] = val{k: vPhone, ph: b.phone, alt: uint8(st) + 1}
}
