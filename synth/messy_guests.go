package synth

import (
	"context"
	"math/rand/v2"
	"sort"
)

var (
	guestRequired = []int{gGuestID, gName, gGender, gBirthday, gMobile, gIDNumber, gMemberNo, gVIP, gConsent, gCreated}
	guestOptional = []optional{{gTitle, 0.7}, {gWeChat, 0.8}, {gEmail, 0.7}, {gPrefs, 0.85}, {gDNC, 0.6}, {gButler, 0.8}}
)

// writeGuests exports the archive: a file per quarter of profile creation
// (the first also holding everyone created before the window), then one small
// file per night.
func (m *messyRun) writeGuests(ctx context.Context) error {
	batches := m.g.win.guestBatches(min(nightlyFiles, m.g.win.days()/10))
	var archive, nightly int
	for _, b := range batches {
		if b.nightly {
			nightly++
		} else {
			archive++
		}
	}
	r := m.fileRand()
	dArchive := assignDialects(r, archive, archiveDialects)
	dNightly := assignDialects(r, nightly, nightlyDialects)
	for i, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := dArchive[min(i, len(dArchive)-1)]
		if b.nightly {
			d = dNightly[i-archive]
		}
		lo, hi := b.first.at(0, 0), (b.last+1).at(0, 0)
		if i == 0 {
			lo = minute(-1 << 62)
		}
		from := sort.Search(len(m.byMade), func(k int) bool { return m.profiles[m.byMade[k]].created >= lo })
		to := sort.Search(len(m.byMade), func(k int) bool { return m.profiles[m.byMade[k]].created >= hi })
		if to == from {
			continue // no new profiles that night: the export is skipped
		}
		if err := m.writeGuestFile(b, d, m.byMade[from:to]); err != nil {
			return err
		}
	}
	return nil
}

func (m *messyRun) writeGuestFile(b guestBatch, d dialect, rows []int32) error {
	g := m.g
	r := m.fileRand()
	st := pickStyle(r, d)
	byID := chance(r, 0.15+0.55*b2f(d.english))
	lay := makeLayout(r, guestColumns[:], guestRequired, guestOptional, gExtra, d.english)
	when := exported(b.last)
	s, fi, err := m.open("guests", "客史档案_"+b.label, d, st, "客史档案", len(lay.cols), when)
	if err != nil {
		return err
	}
	if err := s.header(lay.labels); err != nil {
		return err
	}
	bad := spread(r, len(rows), badCount(r, len(rows), len(rows)))
	rec := make([]val, numGuestCols)
	for i, pi := range rows {
		p := &m.profiles[pi]
		g.guestRecord(rec, p, byID)
		m.spoilPhone(r, rec, gMobile)
		rec[gExtra] = extraValue(r, lay)
		if err := s.row(rec, lay.cols); err != nil {
			return err
		}
		fi.Rows++
		if p.badMobile {
			m.sum.Warnings[codeInvalidMobile]++
		}
		if p.badID {
			m.sum.Warnings[codeInvalidID]++
		}
		if len(bad) > 0 && bad[0] == i {
			bad = bad[1:]
			m.keylessGuest(r, rec, p.created)
			if err := s.row(rec, lay.cols); err != nil {
				return err
			}
			fi.Rows++
			m.sum.BadRows[codeMissingKey]++
		}
	}
	return m.finish(s, fi, when)
}

// spoilPhone writes a tenth of a file's mobiles in another of the usual
// spellings, as hand-typed rows do.
func (m *messyRun) spoilPhone(r *rand.Rand, rec []val, c int) {
	if rec[c].k == vPhone && chance(r, 0.1) {
		rec[c].alt = uint8(1 + r.IntN(3))
	}
}

// keylessGuest is a walk-in typed into the archive without a 客户编号: a
// MISSING_KEY row. Its mobile is fresh, so it links to nobody.
func (m *messyRun) keylessGuest(r *rand.Rand, rec []val, near minute) {
	female := chance(r, 0.5)
	p := profile{
		name: chineseName(r, female), female: female, vip: -1, butler: -1,
		title:   []string{"先生", "女士"}[b2i(female)],
		mobile:  cnMobile(r, m.g.mobiles, phoneSpaceJunk+m.junkPhones),
		created: near + minute(r.IntN(60)),
		consent: 1,
	}
	m.junkPhones++
	m.g.guestRecord(rec, &p, false)
	rec[gGuestID] = val{}
}

// extraValue fills a file's extra column, if it has one (the extra column is
// the last of every kind's columns).
func extraValue(r *rand.Rand, lay layout) val {
	if !lay.has[len(lay.has)-1] {
		return val{}
	}
	switch lay.extra {
	case extraOperator:
		return text(pick(r, operators))
	case extraSource:
		if chance(r, 0.8) {
			return text(pick(r, sources))
		}
	default:
		if chance(r, 0.15) {
			return text(pick(r, remarks))
		}
	}
	return val{}
}
