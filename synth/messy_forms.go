package synth

import (
	"context"
	"math/rand/v2"
	"strconv"
)

var (
	formRequired = []int{fFormID, fStayID, fGuestID, fMobile, fRoom, fVisitDate, fSubmitted, fOverall, fNPS, fComment, fComplaint}
	formOptional = []optional{{fName, 0.5}}
)

// writeForms exports feedback by submission day in the same overlapping
// periods as the stays.
func (m *messyRun) writeForms(ctx context.Context) error {
	return m.writePeriods(ctx, m.bySub, func(i int32) minute { return m.forms[i].submitted }, m.writeFormFile)
}

func (m *messyRun) writeFormFile(p period, isFirst bool, d dialect, rows []int32) error {
	r := m.fileRand()
	st := pickStyle(r, d)
	opts := formOptional
	if chance(r, 0.8) {
		opts = append(opts[:len(opts):len(opts)],
			optional{fScoreRoom, 1}, optional{fScoreFood, 1}, optional{fScoreService, 1}, optional{fScoreClean, 1}, optional{fScoreValue, 1})
	}
	lay := makeLayout(r, formColumns[:], formRequired, opts, fExtra, d.english)
	when := exported(p.last)
	s, fi, err := m.open("feedback", "意见征询表_"+yyyymmdd(p.last), d, st, "意见征询", len(lay.cols), when)
	if err != nil {
		return err
	}
	if err := s.header(lay.labels); err != nil {
		return err
	}
	lo, hi := p.clean(isFirst)
	var eligible []int
	for i, f := range rows {
		if dd := m.forms[f].submitted.day(); dd >= lo && dd <= hi {
			eligible = append(eligible, i)
		}
	}
	bad := pickPositions(r, eligible, badCount(r, len(rows), len(eligible)))
	rec := make([]val, numFormCols)
	for i, f := range rows {
		m.formRow(r, rec, f, lay)
		if !p.final && m.forms[f].submitted.day() == p.last {
			m.sum.Duplicates++
		}
		if err := s.row(rec, lay.cols); err != nil {
			return err
		}
		fi.Rows++
		if len(bad) > 0 && bad[0] == i {
			bad = bad[1:]
			// A copy of a real form, typed in again under a new number with
			// the score on the wrong scale.
			rec[fFormID] = code("YJ", m.dayNumber(m.nextFormNo, m.forms[f].submitted.day()), 13)
			rec[fOverall] = num(int64(pick(r, []int{6, 7, 7, 7})))
			if err := s.row(rec, lay.cols); err != nil {
				return err
			}
			fi.Rows++
			m.sum.BadRows[codeScoreOutOfRange]++
		}
	}
	return m.finish(s, fi, when)
}

// formRow builds a form as typed in from paper: by 单号 (sometimes with the
// 客户编号), by the guest's mobile, or by room number and arrival date.
func (m *messyRun) formRow(r *rand.Rand, rec []val, fi int32, lay layout) {
	f := &m.forms[fi]
	s := &m.stays[f.stay]
	p := &m.profiles[s.profile]
	formRecord(rec, f, code("YJ", m.formIDs[fi], 13), code("", m.stayIDs[f.stay], 13), guestCode(p))
	room := val{}
	if s.room > 0 {
		room = text(strconv.Itoa(int(s.room)))
	}
	switch f.ref {
	case formByMobile:
		rec[fStayID], rec[fGuestID] = val{}, val{}
		rec[fMobile], rec[fName] = mobile(p.mobile), text(p.name)
	case formByRoomDate:
		rec[fStayID], rec[fGuestID] = val{}, val{}
		rec[fRoom], rec[fVisitDate] = room, date(s.arrival.day())
	default:
		if !f.withGuest {
			rec[fGuestID] = val{}
		}
		if s.room > 0 && chance(r, 0.3) {
			rec[fRoom], rec[fVisitDate] = room, date(s.arrival.day())
		}
		if chance(r, 0.4) {
			rec[fName] = text(p.name)
		}
	}
	m.spoilPhone(r, rec, fMobile)
	rec[fExtra] = extraValue(r, lay)
}
