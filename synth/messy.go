package synth

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// messyRun holds the whole hotel in memory — compact rows, about 100 bytes a
// stay — because exports are cut by date while people are generated one by
// one. It suits hotels up to a few hundred thousand guests; Clean mode
// streams instead.
type messyRun struct {
	g        *generator
	profiles []profile
	stays    []stay
	forms    []form
	stayIDs  []int64 // 单号 of each stay: arrival date and that day's counter
	formIDs  []int64
	byDep    []int32 // stays by departure
	bySub    []int32 // forms by submission
	byMade   []int32 // profiles by creation

	// Counters for the ids of fabricated bad rows, per day.
	nextStayNo map[day]int64
	nextFormNo map[day]int64
	junkPhones uint64
	maxGuestNo int64

	sum   Summary
	files int // files written, for per-file random streams
}

func (g *generator) writeMessy(ctx context.Context) (Summary, error) {
	m := &messyRun{g: g, nextStayNo: map[day]int64{}, nextFormNo: map[day]int64{}}
	m.sum = Summary{People: g.cfg.Guests, BadRows: map[string]int{}, Warnings: map[string]int{}}
	if err := m.collect(ctx); err != nil {
		return Summary{}, err
	}
	m.number()
	steps := []func(context.Context) error{m.writeRoster, m.writeGuests, m.writeStays, m.writeForms}
	if g.cfg.IdentityTraps {
		steps = append(steps, m.writeIdentityTruth)
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return Summary{}, err
		}
	}
	return m.sum, nil
}

// collect generates everyone, re-basing batch indices onto the run's slices.
func (m *messyRun) collect(ctx context.Context) error {
	var b batch
	for i := range m.g.cfg.Guests {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		m.g.person(i, &b)
		pOff, sOff := int32(len(m.profiles)), int32(len(m.stays))
		m.profiles = append(m.profiles, b.profiles...)
		for _, s := range b.stays {
			s.profile += pOff
			m.stays = append(m.stays, s)
		}
		for _, f := range b.forms {
			f.stay += sOff
			m.forms = append(m.forms, f)
		}
	}
	m.sum.Profiles, m.sum.Stays, m.sum.Feedback = len(m.profiles), len(m.stays), len(m.forms)
	m.g.truth.fill(&m.sum, m.g.cfg.Shape)
	m.g.traps.fill(&m.sum)
	return nil
}

// writeIdentityTruth writes which person each profile is.
func (m *messyRun) writeIdentityTruth(ctx context.Context) error {
	truth := make(map[string]int32, len(m.profiles))
	for i := range m.profiles {
		truth[string(appendVal(nil, guestCode(&m.profiles[i]), &cleanStyle))] = m.profiles[i].person + 1
	}
	b, err := json.Marshal(truth) // keys sorted: the same hotel, the same bytes
	if err != nil {
		return fmt.Errorf("synth: encode identity truth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(m.g.cfg.OutDir, IdentityTruthName), b, 0o644); err != nil {
		return fmt.Errorf("synth: write identity truth: %w", err)
	}
	m.sum.IdentityTruth = IdentityTruthName
	return ctx.Err()
}

// number gives profiles their 客户编号 in order of creation, and stays and
// forms PMS-style numbers: the day and a counter (2026112600013).
func (m *messyRun) number() {
	m.byMade = indices(len(m.profiles))
	slices.SortStableFunc(m.byMade, func(a, b int32) int { return cmp.Compare(m.profiles[a].created, m.profiles[b].created) })
	for rank, i := range m.byMade {
		m.profiles[i].num = int64(rank + 1)
	}
	m.maxGuestNo = int64(len(m.profiles))

	byArr := indices(len(m.stays))
	slices.SortStableFunc(byArr, func(a, b int32) int { return cmp.Compare(m.stays[a].arrival, m.stays[b].arrival) })
	m.stayIDs = make([]int64, len(m.stays))
	for _, i := range byArr {
		m.stayIDs[i] = m.dayNumber(m.nextStayNo, m.stays[i].arrival.day())
	}
	m.byDep = indices(len(m.stays))
	slices.SortStableFunc(m.byDep, func(a, b int32) int { return cmp.Compare(m.stays[a].departure, m.stays[b].departure) })

	m.bySub = indices(len(m.forms))
	slices.SortStableFunc(m.bySub, func(a, b int32) int { return cmp.Compare(m.forms[a].submitted, m.forms[b].submitted) })
	m.formIDs = make([]int64, len(m.forms))
	for _, i := range m.bySub {
		m.formIDs[i] = m.dayNumber(m.nextFormNo, m.forms[i].submitted.day())
	}
}

// dayNumber is the next number of day d: yyyymmdd followed by five digits.
func (m *messyRun) dayNumber(next map[day]int64, d day) int64 {
	next[d]++
	y, mo, dd := d.date()
	return int64(y*10000+mo*100+dd)*100000 + next[d]
}

func indices(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

// fileRand is the random stream of the next file.
func (m *messyRun) fileRand() *rand.Rand {
	m.files++
	return newRand(m.g.cfg.Seed, streamPlan+uint64(m.files))
}

// exported is when the nightly job wrote a file covering up to day d.
func exported(d day) minute { return (d + 1).at(2, 30) }

// open creates a file's sink, names it, and records it.
func (m *messyRun) open(kind, stem string, d dialect, st valueStyle, sheet string, ncols int, when minute) (sink, *FileInfo, error) {
	ext := ".csv"
	if d.format == "xlsx" {
		ext = ".xlsx"
	}
	name := stem + ext
	path := filepath.Join(m.g.cfg.OutDir, name)
	var s sink
	var err error
	if d.format == "xlsx" {
		s, err = newXLSXSink(path, sheet, ncols, st, when)
	} else {
		s, err = newCSVSink(path, d.encoding, d.encoding == encGB18030, st)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("synth: create %s: %w", name, err)
	}
	m.sum.Files = append(m.sum.Files, FileInfo{Path: name, Kind: kind, Format: d.format, Encoding: d.encoding})
	return s, &m.sum.Files[len(m.sum.Files)-1], nil
}

// finish closes a file and stamps it with the export time, so tools that
// order nightly files by modification time see them in order.
func (m *messyRun) finish(s sink, fi *FileInfo, when minute) error {
	if err := s.close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	y, mo, d := when.day().date()
	h, mi := when.clock()
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, m.g.cfg.Loc)
	return os.Chtimes(filepath.Join(m.g.cfg.OutDir, fi.Path), t, t)
}

func (m *messyRun) writeRoster(ctx context.Context) error {
	g := m.g
	r := m.fileRand()
	st := pickStyle(r, dialectXLSX)
	order := []int{rStaffID, rName, rTeam, rLead, rRole, rPhone}
	labels := make([]string, len(order))
	for i, c := range order {
		labels[i] = rosterColumns[c].zh[0]
	}
	when := exported(g.win.last)
	s, fi, err := m.open("roster", "管家名单", dialectXLSX, st, "管家名单", len(order), when)
	if err != nil {
		return err
	}
	if err := s.header(labels); err != nil {
		return err
	}
	rec := make([]val, numRosterCols)
	ps := phoneStyle(weighted(r, []float64{60, 0, 40}))
	for i := range g.roster {
		g.rosterRecord(rec, i, ps)
		if err := s.row(rec, order); err != nil {
			return err
		}
		fi.Rows++
	}
	return m.finish(s, fi, when)
}

// badCount is how many bad rows a file of n good rows gets, of which
// eligible may carry one: about 1.5 %, never more than 4.9 % of the file.
func badCount(r *rand.Rand, n, eligible int) int {
	rate := 0.015 * (0.6 + 0.8*r.Float64())
	k := int(rate*float64(n) + r.Float64())
	return min(k, n*49/1000, eligible)
}

// spread picks k distinct positions among n, ascending.
func spread(r *rand.Rand, n, k int) []int {
	if k <= 0 {
		return nil
	}
	pos := r.Perm(n)[:k]
	slices.Sort(pos)
	return pos
}
