package synth

import (
	"context"
	"fmt"
	"path/filepath"
)

// cleanFile is one of Clean mode's four outputs.
type cleanFile struct {
	kind, name string
	cols       []column
	order      []int
	sink       sink
	info       FileInfo
}

// writeClean streams the hotel person by person into one UTF-8 CSV per kind:
// memory stays flat however many guests (only the ID-number set grows).
func (g *generator) writeClean(ctx context.Context) (sum Summary, err error) {
	files := []*cleanFile{
		{kind: "roster", name: "roster.csv", cols: rosterColumns[:], order: cleanRosterCols},
		{kind: "guests", name: "guests.csv", cols: guestColumns[:], order: cleanGuestCols},
		{kind: "stays", name: "stays.csv", cols: stayColumns[:], order: cleanStayCols},
		{kind: "feedback", name: "feedback.csv", cols: formColumns[:], order: cleanFormCols},
	}
	for _, f := range files {
		s, err := newCSVSink(filepath.Join(g.cfg.OutDir, f.name), encUTF8, false, cleanStyle)
		if err != nil {
			return Summary{}, fmt.Errorf("synth: create %s: %w", f.name, err)
		}
		f.sink, f.info = s, FileInfo{Path: f.name, Kind: f.kind, Format: "csv", Encoding: encUTF8}
	}
	defer func() {
		for _, f := range files {
			if e := f.sink.close(); e != nil && err == nil {
				err = fmt.Errorf("synth: %w", e)
			}
		}
	}()
	for _, f := range files {
		if err := f.sink.header(englishHeaders(f.cols, f.order)); err != nil {
			return Summary{}, fmt.Errorf("synth: write %s: %w", f.name, err)
		}
	}
	roster, guests, stays, feedback := files[0], files[1], files[2], files[3]
	put := func(f *cleanFile, rec []val) error {
		f.info.Rows++
		if err := f.sink.row(rec, f.order); err != nil {
			return fmt.Errorf("synth: write %s: %w", f.name, err)
		}
		return nil
	}

	rec := make([]val, max(numGuestCols, numStayCols, numFormCols, numRosterCols))
	for i := range g.roster {
		g.rosterRecord(rec, i, phoneE164)
		if err := put(roster, rec); err != nil {
			return Summary{}, err
		}
	}
	var b batch
	var profiles int64
	for i := range g.cfg.Guests {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return Summary{}, err
			}
		}
		g.person(i, &b)
		for k := range b.profiles {
			profiles++
			b.profiles[k].num = profiles
			g.guestRecord(rec, &b.profiles[k], true)
			if err := put(guests, rec); err != nil {
				return Summary{}, err
			}
		}
		for k := range b.stays {
			s := &b.stays[k]
			g.stayRecord(rec, s, &b.profiles[s.profile], code("S", s.seq+1, 9), true)
			if err := put(stays, rec); err != nil {
				return Summary{}, err
			}
		}
		for k := range b.forms {
			f := &b.forms[k]
			s := &b.stays[f.stay]
			formRecord(rec, f, code("F", f.seq+1, 9), code("S", s.seq+1, 9), guestCode(&b.profiles[s.profile]))
			if err := put(feedback, rec); err != nil {
				return Summary{}, err
			}
		}
	}
	sum = Summary{
		People: g.cfg.Guests, Profiles: guests.info.Rows, Stays: stays.info.Rows, Feedback: feedback.info.Rows,
		BadRows: map[string]int{}, Warnings: map[string]int{},
	}
	g.truth.fill(&sum, g.cfg.Shape)
	for _, f := range files {
		sum.Files = append(sum.Files, f.info)
	}
	return sum, nil
}
