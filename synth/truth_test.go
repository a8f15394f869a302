package synth

import (
	"strconv"
	"testing"
)

// guestIndex is what the guest files say: who exists under which key.
type guestIndex struct {
	ids, mobiles, members map[string]bool
	keyless               int
	idValid, idInvalid    int
	mobileInvalid         int
}

func indexGuests(t *testing.T, tables []*table) guestIndex {
	t.Helper()
	g := guestIndex{ids: map[string]bool{}, mobiles: map[string]bool{}, members: map[string]bool{}}
	for _, tb := range tables {
		for i := range tb.rows {
			id := tb.get(i, "guest_id")
			if id == "" {
				g.keyless++
				continue
			}
			if g.ids[id] {
				t.Errorf("%s: guest %s exported twice", tb.info.Path, id)
			}
			g.ids[id] = true
			if m := tb.get(i, "mobile"); m != "" {
				if n := normMobile(m); n != "" {
					g.mobiles[n] = true
				} else {
					g.mobileInvalid++
				}
			}
			if c := tb.get(i, "member_no"); c != "" {
				g.members[c] = true
			}
			idn := tb.get(i, "id_number")
			if idn == "" {
				continue
			}
			if !idValid(idn) {
				g.idInvalid++
				continue
			}
			g.idValid++
			if b := tb.get(i, "birthday"); b != "" {
				when, ok := parseWhen(b)
				y, m, d := when.day().date()
				if !ok || idn[6:14] != strconv.Itoa(y*10000+m*100+d) {
					t.Errorf("%s: ID %s… does not match birthday %s", tb.info.Path, idn[:6], b)
				}
			}
		}
	}
	return g
}

// TestMessyTruth reads every file back, judges each row as Revisit should,
// and checks the verdicts against the Summary: every injected defect is
// counted once, and no good row is bad — for both shapes of hotel.
func TestMessyTruth(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"dense", messyHotel}, {"sparse", sparseMessyHotel}} {
		t.Run(tc.name, func(t *testing.T) { checkMessyTruth(t, tc.cfg) })
	}
}

func checkMessyTruth(t *testing.T, cfg Config) {
	h := generated(t, cfg)
	sum := h.sum
	tables := readAll(t, h.dir, sum)
	g := indexGuests(t, tables["guests"])

	t.Run("guests", func(t *testing.T) {
		if len(g.ids) != sum.Profiles {
			t.Errorf("%d profiles in files, summary says %d", len(g.ids), sum.Profiles)
		}
		if g.mobileInvalid != sum.Warnings[codeInvalidMobile] {
			t.Errorf("%d invalid mobiles, summary says %d", g.mobileInvalid, sum.Warnings[codeInvalidMobile])
		}
		if g.idInvalid != sum.Warnings[codeInvalidID] {
			t.Errorf("%d ID numbers fail the checksum, summary says %d", g.idInvalid, sum.Warnings[codeInvalidID])
		}
		share := float64(g.idValid+g.idInvalid) / float64(sum.People)
		if share < 0.5 || share > 0.75 {
			t.Errorf("%.2f ID numbers per person, want about 0.6 (plus shared ones)", share)
		}
	})

	verdicts := map[string]int{}
	refs := map[string]int{} // how good rows name their guest or stay
	stayIDs := map[string]int{}
	roomStays := map[string]int{} // room|arrival date → stays
	var stayRows, lastDay int
	last := dayOf(2026, 11, 25)
	first := dayOf(2024, 11, 26)
	for _, tb := range tables["stays"] {
		stayRows += len(tb.rows)
		bad := 0
		for i := range tb.rows {
			id := tb.get(i, "stay_id")
			stayIDs[id]++
			code := judgeStay(tb, i, g)
			verdicts[code]++
			if code != "" {
				bad++
				continue
			}
			switch {
			case tb.get(i, "guest_id") != "":
				refs["stay by guest id"]++
			case tb.get(i, "mobile") != "":
				refs["stay by mobile"]++
			default:
				refs["stay by member number"]++
			}
			arr, _ := parseWhen(tb.get(i, "arrival"))
			dep, _ := parseWhen(tb.get(i, "departure"))
			if arr.day() < first || dep.day() > last {
				t.Errorf("%s: stay %s outside the window", tb.info.Path, id)
			}
			if dep.day() == last && stayIDs[id] == 1 {
				lastDay++
			}
			if tb.get(i, "outlet") == "客房" && stayIDs[id] == 1 {
				roomStays[tb.get(i, "room")+"|"+strconv.Itoa(int(arr.day()))]++
			}
		}
		if bad*100 > len(tb.rows)*5 {
			t.Errorf("%s: %d of %d rows bad, over 5 %%", tb.info.Path, bad, len(tb.rows))
		}
	}
	if lastDay == 0 {
		t.Error("no departures on End: yesterday's callbacks would be empty")
	}

	formIDs := map[string]int{}
	var formRows int
	for _, tb := range tables["feedback"] {
		formRows += len(tb.rows)
		for i := range tb.rows {
			formIDs[tb.get(i, "form_id")]++
			overall, err := strconv.Atoi(tb.get(i, "overall"))
			if err != nil || overall < 1 || overall > 5 {
				verdicts[codeScoreOutOfRange]++
				continue
			}
			switch sid, mob, room := tb.get(i, "stay_id"), tb.get(i, "mobile"), tb.get(i, "room"); {
			case sid != "":
				refs["form by stay"]++
				if stayIDs[sid] == 0 {
					t.Errorf("%s: form names unknown stay %s", tb.info.Path, sid)
				}
			case mob != "":
				refs["form by mobile"]++
				if !g.mobiles[normMobile(mob)] {
					t.Errorf("%s: form names unknown mobile", tb.info.Path)
				}
			case room != "":
				refs["form by room and date"]++
				d, ok := parseWhen(tb.get(i, "visit_date"))
				if n := roomStays[room+"|"+strconv.Itoa(int(d.day()))]; !ok || n != 1 {
					t.Errorf("%s: room %s on %s matches %d stays, want 1", tb.info.Path, room, tb.get(i, "visit_date"), n)
				}
			default:
				t.Errorf("%s: form names nothing", tb.info.Path)
			}
		}
	}

	t.Run("references", func(t *testing.T) {
		for _, k := range []string{"stay by guest id", "stay by mobile", "stay by member number", "form by stay", "form by mobile", "form by room and date"} {
			if refs[k] == 0 {
				t.Errorf("no %s", k)
			}
		}
		for _, k := range []string{"UNRESOLVED_MOBILE", "UNRESOLVED_MEMBER"} {
			if verdicts[k] > 0 {
				t.Errorf("%d good stays with %s", verdicts[k], k)
			}
		}
		t.Logf("references: %v; verdicts: %v", refs, verdicts)
	})

	t.Run("bad rows", func(t *testing.T) {
		verdicts[codeMissingKey] += g.keyless
		for _, code := range []string{codeMissingKey, codeBadDate, codeImpossibleDates, codeScoreOutOfRange, codeUnknownGuest, codeBadAmount} {
			if verdicts[code] != sum.BadRows[code] {
				t.Errorf("%s: %d rows judged, summary says %d", code, verdicts[code], sum.BadRows[code])
			}
		}
		total, rows := 0, stayRows+formRows+len(g.ids)+g.keyless
		for _, n := range sum.BadRows {
			total += n
		}
		if share := float64(total) / float64(rows); share < 0.007 || share > 0.025 {
			t.Errorf("bad rows are %.2f %% of all rows, want about 1.5 %%", 100*share)
		}
	})

	t.Run("counts", func(t *testing.T) {
		badStays := 0
		for code, n := range verdicts {
			if code != "" && code != codeScoreOutOfRange && code != codeMissingKey {
				badStays += n
			}
		}
		badStays += verdicts[codeMissingKey] - g.keyless
		if len(stayIDs) != sum.Stays+badStays {
			t.Errorf("%d distinct stay ids, want %d good + %d bad", len(stayIDs), sum.Stays, badStays)
		}
		if len(formIDs) != sum.Feedback+sum.BadRows[codeScoreOutOfRange] {
			t.Errorf("%d distinct form ids, want %d good + %d bad", len(formIDs), sum.Feedback, sum.BadRows[codeScoreOutOfRange])
		}
		dups := stayRows - len(stayIDs) + formRows - len(formIDs)
		if dups != sum.Duplicates || dups == 0 {
			t.Errorf("%d repeated rows, summary says %d", dups, sum.Duplicates)
		}
		for id, n := range stayIDs {
			if n > 2 {
				t.Errorf("stay %s in %d files", id, n)
			}
		}
	})

	t.Run("identity", func(t *testing.T) {
		extra := float64(sum.Profiles-sum.People) / float64(sum.People)
		if extra < 0.08 || extra > 0.15 {
			t.Errorf("%.3f extra profiles per person, want about 0.11 (8 %% with 2–3 profiles)", extra)
		}
	})
}

// judgeStay is the reason code a stay row deserves, or "" for a good row. It
// also checks that a good row's guest reference resolves.
func judgeStay(tb *table, i int, g guestIndex) string {
	gid, mob, card := tb.get(i, "guest_id"), tb.get(i, "mobile"), tb.get(i, "member_no")
	switch {
	case gid == "" && mob == "" && card == "":
		return codeMissingKey
	case gid != "" && !g.ids[gid]:
		return codeUnknownGuest
	case gid == "" && mob != "" && !g.mobiles[normMobile(mob)]:
		return "UNRESOLVED_MOBILE" // never expected
	case gid == "" && mob == "" && !g.members[card]:
		return "UNRESOLVED_MEMBER" // never expected
	}
	arr, ok1 := parseWhen(tb.get(i, "arrival"))
	dep, ok2 := parseWhen(tb.get(i, "departure"))
	switch {
	case !ok1 || !ok2:
		return codeBadDate
	case dep.day() < arr.day():
		return codeImpossibleDates // on the arrival's day it is a same-day stay
	}
	if _, ok := parseAmount(tb.get(i, "spend")); !ok {
		return codeBadAmount
	}
	return ""
}
