package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
)

var (
	stayRequired = []int{sStayID, sGuestID, sProperty, sOutlet, sArrival, sDeparture, sSpend, sRoom, sParty, sButler, sChannel}
	stayOptional = []optional{{sName, 0.6}, {sMobile, 0.75}, {sMemberNo, 0.5}}
)

// perKindBudget is the number of stays (and of feedback) files.
func (m *messyRun) perKindBudget() int {
	nGuests := len(m.g.win.guestBatches(min(nightlyFiles, m.g.win.days()/10)))
	return max(2, (fileBudget-1-nGuests)/2)
}

// writeStays exports stays by departure day in overlapping periods.
func (m *messyRun) writeStays(ctx context.Context) error {
	return m.writePeriods(ctx, m.byDep, func(i int32) minute { return m.stays[i].departure }, m.writeStayFile)
}

// writePeriods writes one file per overlapping period of the kind's budget,
// each with the rows (in order, sorted by when) that fall in it.
func (m *messyRun) writePeriods(ctx context.Context, order []int32, when func(int32) minute,
	write func(p period, isFirst bool, d dialect, rows []int32) error) error {
	ps := m.g.win.periods(m.perKindBudget())
	dialects := assignDialects(m.fileRand(), len(ps), historyDialects)
	for i, p := range ps {
		if err := ctx.Err(); err != nil {
			return err
		}
		from := sort.Search(len(order), func(k int) bool { return when(order[k]) >= p.first.at(0, 0) })
		to := sort.Search(len(order), func(k int) bool { return when(order[k]) >= (p.last+1).at(0, 0) })
		if err := write(p, i == 0, dialects[i], order[from:to]); err != nil {
			return err
		}
	}
	return nil
}

func (m *messyRun) writeStayFile(p period, isFirst bool, d dialect, rows []int32) error {
	r := m.fileRand()
	st := pickStyle(r, d)
	byID := chance(r, 0.15+0.55*b2f(d.english))
	lay := makeLayout(r, stayColumns[:], stayRequired, stayOptional, sExtra, d.english)
	when := exported(p.last)
	s, fi, err := m.open("stays", "stays_"+yyyymmdd(p.last), d, st, "消费明细", len(lay.cols), when)
	if err != nil {
		return err
	}
	if err := s.header(lay.labels); err != nil {
		return err
	}
	lo, hi := p.clean(isFirst)
	var eligible []int
	for i, si := range rows {
		if dd := m.stays[si].departure.day(); dd >= lo && dd <= hi {
			eligible = append(eligible, i)
		}
	}
	bad := pickPositions(r, eligible, badCount(r, len(rows), len(eligible)))
	rec := make([]val, numStayCols)
	for i, si := range rows {
		sy := &m.stays[si]
		m.stayRow(r, rec, si, lay, byID)
		if !p.final && sy.departure.day() == p.last {
			// Repeated tomorrow; tonight's export sometimes has the spend
			// before a late correction, and tomorrow's is the truth.
			m.sum.Duplicates++
			if chance(r, 0.04) {
				rec[sSpend] = money(staleSpend(r, sy.spend))
			}
		}
		if err := s.row(rec, lay.cols); err != nil {
			return err
		}
		fi.Rows++
		if len(bad) > 0 && bad[0] == i {
			bad = bad[1:]
			m.stayRow(r, rec, si, lay, byID)
			m.sum.BadRows[m.spoilStay(r, rec, sy)]++
			if err := s.row(rec, lay.cols); err != nil {
				return err
			}
			fi.Rows++
		}
	}
	return m.finish(s, fi, when)
}

// stayRow builds a stay's row as this file shows it: the guest named by
// 客户编号, or only by mobile or member number when the file has the column.
func (m *messyRun) stayRow(r *rand.Rand, rec []val, si int32, lay layout, byID bool) {
	s := &m.stays[si]
	p := &m.profiles[s.profile]
	m.g.stayRecord(rec, s, p, code("", m.stayIDs[si], 13), byID)
	switch {
	case s.ref == refMobile && lay.has[sMobile]:
		rec[sGuestID], rec[sMobile] = val{}, mobile(p.mobile)
	case s.ref == refMember && lay.has[sMemberNo]:
		rec[sGuestID], rec[sMemberNo] = val{}, text(p.memberNo)
	default:
		if p.usableMobile() && chance(r, 0.5) {
			rec[sMobile] = mobile(p.mobile)
		}
		if chance(r, 0.4) {
			rec[sMemberNo] = text(p.memberNo)
		}
	}
	m.spoilPhone(r, rec, sMobile)
	rec[sExtra] = extraValue(r, lay)
}

// staleSpend is the amount before a correction: a late charge not yet posted,
// or a discount not yet applied.
func staleSpend(r *rand.Rand, fen int64) int64 {
	delta := int64(between(r, 2, 30)) * 1000
	if chance(r, 0.5) && fen > 2*delta {
		return fen - delta
	}
	return fen + delta
}

// spoilStay turns a copy of a good stay into a bad one with a fresh 单号 and
// returns the reason code Revisit should reject it with.
func (m *messyRun) spoilStay(r *rand.Rand, rec []val, s *stay) string {
	rec[sStayID] = code("", m.dayNumber(m.nextStayNo, s.arrival.day()), 13)
	y, _, _ := s.arrival.day().date()
	switch k := r.IntN(5); k {
	case 0:
		rec[sGuestID], rec[sMobile], rec[sMemberNo], rec[sName] = val{}, val{}, val{}, val{}
		return codeMissingKey
	case 1:
		garbage := []string{
			fmt.Sprintf("%d-13-%02d %02d:%02d", y, between(r, 32, 39), between(r, 24, 29), r.IntN(60)),
			"#VALUE!",
			fmt.Sprintf("%d年13月%d日", y, between(r, 1, 28)),
		}
		col := sArrival
		if chance(r, 0.5) {
			col = sDeparture
		}
		rec[col] = text(pick(r, garbage))
		return codeBadDate
	case 2:
		if s.departure.day() == s.arrival.day() {
			// Swapped clocks on one day load as a same-day stay; a
			// departure on the day before the arrival is impossible.
			rec[sDeparture] = at(s.arrival - minutesPerDay)
			return codeImpossibleDates
		}
		rec[sArrival], rec[sDeparture] = rec[sDeparture], rec[sArrival]
		return codeImpossibleDates
	case 3:
		rec[sGuestID] = code("G", m.maxGuestNo+1+int64(r.IntN(500_000)), 7)
		rec[sMobile], rec[sMemberNo], rec[sName] = val{}, val{}, val{}
		return codeUnknownGuest
	default:
		rec[sSpend] = text(pick(r, []string{"abc", "#VALUE!", "壹仟贰佰"}))
		return codeBadAmount
	}
}

// pickPositions chooses k of the eligible row positions, ascending.
func pickPositions(r *rand.Rand, eligible []int, k int) []int {
	idx := spread(r, len(eligible), k)
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = eligible[j]
	}
	return out
}
