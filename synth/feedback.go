package synth

import "math/rand/v2"

// Feedback rates: the share of occasions that get a form, and the share of
// forms that are complaints.
const (
	formShare      = 0.35
	complaintShare = 0.04
)

// area is a per-area score on the form.
type area uint8

const (
	areaRoom area = iota
	areaFood
	areaService
	areaClean
	areaValue
	numAreas
)

// formRef is how a form names what it is about.
type formRef uint8

const (
	formByStay     formRef = iota // 单号
	formByMobile                  // the guest's mobile only
	formByRoomDate                // room number and date only
)

// form is one 意见征询表.
type form struct {
	seq       int64
	stay      int32 // index into the batch's (later the run's) stays
	ref       formRef
	withGuest bool // a by-stay form that also carries the 客户编号
	overall   int8
	nps       int8
	complaint bool
	scores    [numAreas]int8 // 0: not asked
	submitted minute
	comment   string
}

// Overall scores skew high, as hotel forms do; complaints score low.
var (
	overallWeights   = []float64{2, 5, 12, 34, 47}
	complaintOverall = []float64{45, 40, 15}
	npsBands         = [6][2]int{{}, {0, 4}, {2, 6}, {5, 8}, {7, 9}, {8, 10}}
)

var areasOf = [numOutlets][]area{
	outletRoom:    {areaRoom, areaClean, areaService, areaValue},
	outletChinese: {areaFood, areaService, areaValue},
	outletWestern: {areaFood, areaService, areaValue},
	outletBanquet: {areaFood, areaService, areaValue},
	outletMeeting: {areaService, areaValue},
	outletBar:     {areaFood, areaService, areaValue},
}

// formOf asks the guest of stay si: room guests the evening before they
// leave, diners as the meal ends, organisers at the close of the meeting.
func (g *generator) formOf(r *rand.Rand, b *batch, si int32) form {
	s := &b.stays[si]
	f := form{seq: g.formSeq, stay: si, submitted: submittedAt(r, s)}
	g.formSeq++
	f.complaint = chance(r, complaintShare)
	if f.complaint {
		f.overall = int8(1 + weighted(r, complaintOverall))
	} else {
		f.overall = int8(1 + weighted(r, overallWeights))
	}
	band := npsBands[f.overall]
	f.nps = int8(between(r, band[0], band[1]))
	if f.overall == 5 && chance(r, 0.5) {
		f.nps = 10
	}
	for _, a := range areasOf[s.outlet] {
		f.scores[a] = int8(min(5, max(1, int(f.overall)+weighted(r, []float64{20, 60, 20})-1)))
	}
	f.comment = comment(r, s, g.roster[s.butler].name, f.overall, f.complaint)

	pr := &b.profiles[s.profile]
	switch u := r.Float64(); {
	case s.outlet == outletRoom && s.roomSure && u < 0.15:
		f.ref = formByRoomDate
	case u >= 0.15 && u < 0.28 && pr.usableMobile():
		f.ref = formByMobile
	}
	f.withGuest = f.ref == formByStay && chance(r, 0.5)
	return f
}

func submittedAt(r *rand.Rand, s *stay) minute {
	switch s.outlet {
	case outletRoom:
		t := (s.departure.day() - 1).at(between(r, 19, 22), r.IntN(60))
		if t < s.arrival+60 {
			t = s.arrival + 60 + minute(r.IntN(60))
		}
		return min(t, s.departure-30)
	case outletMeeting:
		return max(s.arrival, min(s.departure, s.departure.day().at(16, r.IntN(60))))
	default:
		return s.departure - 10 + minute(r.IntN(35))
	}
}
