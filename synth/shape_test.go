package synth

import (
	"slices"
	"testing"
)

// people joins a clean hotel's profiles into people the way the keys allow:
// two profiles that share a mobile, an ID number or a member number are one
// person (union–find), so chains A–B–C end up together.
func people(t *testing.T, guests *table) map[string]string {
	t.Helper()
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == x {
			return x
		}
		parent[x] = find(parent[x])
		return parent[x]
	}
	owner := map[string]string{} // key → first profile holding it
	for i := range guests.rows {
		id := guests.get(i, "guest_id")
		parent[id] = id
		for _, f := range []string{"mobile", "id_number", "member_no"} {
			v := guests.get(i, f)
			if v == "" {
				continue
			}
			k := f + ":" + v
			if o, ok := owner[k]; ok {
				parent[find(id)] = find(o)
			} else {
				owner[k] = id
			}
		}
	}
	out := map[string]string{}
	for id := range parent {
		out[id] = find(id)
	}
	return out
}

// TestVisitTruth recounts from the written files what the Summary says of
// visits — people who came, people who came once, day-use stays — with its
// own identity resolution and its own visit rule (stays on touching days are
// one visit), and checks each shape looks like what it claims to be.
func TestVisitTruth(t *testing.T) {
	for _, tc := range []struct {
		name            string
		cfg             Config
		minOnce, maxOne float64
	}{
		{"dense", cleanHotel, 0.2, 0.6},
		{"sparse", sparseCleanHotel, 0.85, 0.90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := generated(t, tc.cfg)
			tables := readAll(t, h.dir, h.sum)
			person := people(t, tables["guests"][0])
			stays := tables["stays"][0]
			type span struct{ arr, dep minute }
			byPerson := map[string][]span{}
			dayUse, roomStays := 0, 0
			groupDays := map[string]int{} // profile|arrival day → room stays
			for i := range stays.rows {
				arr, ok1 := parseWhen(stays.get(i, "arrival"))
				dep, ok2 := parseWhen(stays.get(i, "departure"))
				if !ok1 || !ok2 || dep < arr {
					t.Fatalf("stay %s: arrival %q departure %q", stays.get(i, "stay_id"), stays.get(i, "arrival"), stays.get(i, "departure"))
				}
				p, ok := person[stays.get(i, "guest_id")]
				if !ok {
					t.Fatalf("stay %s names an unknown guest", stays.get(i, "stay_id"))
				}
				byPerson[p] = append(byPerson[p], span{arr, dep})
				if stays.get(i, "outlet") == "客房" {
					roomStays++
					if arr.day() == dep.day() {
						dayUse++
						// Written with both clocks, so no reader guesses one.
						if h, _ := arr.clock(); h < 8 || dep-arr < 120 {
							t.Errorf("day-use stay %s: %s to %s", stays.get(i, "stay_id"), stays.get(i, "arrival"), stays.get(i, "departure"))
						}
					}
					groupDays[stays.get(i, "guest_id")+"|"+stays.get(i, "arrival")[:10]]++
				}
			}
			once := 0
			for _, spans := range byPerson {
				slices.SortFunc(spans, func(a, b span) int { return int(a.arr - b.arr) })
				visits, reach := 0, day(-1<<30)
				for _, s := range spans {
					if s.arr.day() > reach {
						visits++
					}
					reach = max(reach, s.dep.day())
				}
				if visits == 1 {
					once++
				}
			}
			sum := h.sum
			if len(byPerson) != sum.Visitors || once != sum.OneVisit || dayUse != sum.DayUseStays {
				t.Errorf("files: %d people came, %d once, %d day-use stays; summary says %d, %d, %d",
					len(byPerson), once, dayUse, sum.Visitors, sum.OneVisit, sum.DayUseStays)
			}
			if sum.Shape != tc.cfg.Shape && !(tc.cfg.Shape == "" && sum.Shape == ShapeDense) {
				t.Errorf("summary says shape %q", sum.Shape)
			}
			share := float64(once) / float64(len(byPerson))
			if share < tc.minOnce || share > tc.maxOne {
				t.Errorf("%.1f %% of the people who came came once, want %.0f–%.0f %%", 100*share, 100*tc.minOnce, 100*tc.maxOne)
			}
			groups := 0
			for _, n := range groupDays {
				if n >= 2 {
					groups++
				}
			}
			t.Logf("%d people came, %.1f %% once; %d room stays of %d, %d day-use; %d company bookers, %d multi-room bookings",
				len(byPerson), 100*share, roomStays, sum.Stays, dayUse, sum.CompanyBookers, groups)
			if tc.cfg.Shape != ShapeSparse {
				if dayUse+sum.CompanyBookers != 0 {
					t.Errorf("a dense hotel has %d day-use stays and %d company bookers", dayUse, sum.CompanyBookers)
				}
				return
			}
			if rooms := float64(roomStays) / float64(sum.Stays); rooms < 0.5 {
				t.Errorf("rooms are %.0f %% of stays in a sparse hotel, want most", 100*rooms)
			}
			if dayUse == 0 || float64(dayUse) > 0.05*float64(roomStays) {
				t.Errorf("%d day-use stays of %d room stays, want a few", dayUse, roomStays)
			}
			if sum.CompanyBookers == 0 || groups == 0 {
				t.Errorf("%d company bookers, %d bookings of several rooms at once", sum.CompanyBookers, groups)
			}
		})
	}
}

// FuzzParseShape: --shape takes exactly the two names, spelled as they are,
// and nothing else (no case folding, no spaces, no prefixes).
func FuzzParseShape(f *testing.F) {
	for _, s := range []string{"dense", "sparse", "", "Dense", " sparse", "spars", "sparse\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseShape(s)
		known := s == "dense" || s == "sparse"
		switch {
		case known && (err != nil || string(got) != s):
			t.Errorf("ParseShape(%q) = %q, %v", s, got, err)
		case !known && err == nil:
			t.Errorf("ParseShape(%q) accepted %q", s, got)
		}
	})
}
