package synth

import "math/rand/v2"

// stay is one row of the stays export, resolved to the profile it names.
type stay struct {
	seq       int64 // generation order: the Clean-mode id and a tie-breaker
	profile   int32 // index into the batch's (later the run's) profiles
	ref       guestRef
	outlet    outlet
	event     event
	channel   channel
	butler    int8
	party     int16
	arrival   minute
	departure minute
	spend     int64 // fen
	room      int32 // 0: none
	roomSure  bool  // room and arrival date name this stay alone
}

// guestRef is how a stay row names its guest.
type guestRef uint8

const (
	refGuestID guestRef = iota
	refMobile           // only the mobile (no 客户编号)
	refMember           // only the member number
)

// Butler teams by outlet: rooms belong to housekeeping (sometimes the lobby
// team), restaurants and banquets to F&B, meetings to the conference team.
var outletTeams = [numOutlets][]team{
	outletRoom:    {teamRooms, teamRooms, teamRooms, teamLobby},
	outletChinese: {teamDining},
	outletWestern: {teamDining},
	outletBanquet: {teamDining},
	outletMeeting: {teamMeetings},
	outletBar:     {teamDining, teamDining, teamLobby},
}

func (g *generator) stayOf(r *rand.Rand, p person, ps []profile, prof int32, o occasion) stay {
	s := stay{
		seq:       g.staySeq,
		profile:   prof,
		outlet:    o.outlet,
		event:     o.event,
		channel:   o.channel,
		party:     o.party,
		arrival:   o.arrival,
		departure: o.departure,
		spend:     o.spend,
	}
	g.staySeq++
	tm := pick(r, outletTeams[o.outlet])
	s.butler = pick(r, g.teams[tm])
	if p.butler >= 0 && g.roster[p.butler].team == tm && chance(r, 0.8) {
		s.butler = p.butler
	}
	if o.outlet == outletRoom {
		// A day-use room is kept from the night's sale, so that a room and
		// a date still name one stay.
		s.room, s.roomSure = g.rooms.book(r, o.arrival.day(), max(1, int(o.nights)), o.roomClass)
	}
	pr := &ps[prof]
	switch u := r.Float64(); {
	case u < 0.06 && pr.usableMobile():
		s.ref = refMobile
	case u >= 0.06 && u < 0.09 && pr.memberNo != "":
		s.ref = refMember
	}
	return s
}
