package ingest

import (
	"testing"
	"time"
	_ "time/tzdata" // the clock-change zones, whatever the machine has installed
)

// zone loads an IANA zone or fails the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// stayValidator validates stays laid out as 单号, 客户编号, 到店时间, 离店时间
// in the hotel zone loc.
func stayValidator(t testing.TB, loc *time.Location) *Validator {
	t.Helper()
	cols, err := DetectKind([]string{"单号", "客户编号", "到店时间", "离店时间"})
	if err != nil || cols.Kind != KindStays {
		t.Fatalf("stays header: %v (%v)", err, cols.Kind)
	}
	return NewValidator(cols, false, Options{Loc: loc})
}

// issueCodes lists the codes of issues, for messages.
func issueCodes(issues []Issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, is.Code+": "+is.Msg)
	}
	return out
}

// A bare departure date is 12:00 on the hotel's wall clock, also on the days
// the clocks change. The expected instants are written in UTC, from each
// zone's published offsets, not computed by the time package.
func TestBareDepartureIsNoonOnTheWallClock(t *testing.T) {
	tests := []struct {
		zone, day string
		excel     string // the same day as an Excel serial
		wantUTC   string
	}{
		{"Europe/Lisbon", "2016-03-27", "42456", "2016-03-27T11:00:00Z"},    // WET→WEST at 01:00: noon is UTC+1
		{"Europe/Lisbon", "2016-10-30", "42673", "2016-10-30T12:00:00Z"},    // WEST→WET at 02:00: noon is UTC+0
		{"America/New_York", "2016-03-13", "42442", "2016-03-13T16:00:00Z"}, // EST→EDT at 02:00: noon is UTC−4
		{"America/New_York", "2016-11-06", "42680", "2016-11-06T17:00:00Z"}, // EDT→EST at 02:00: noon is UTC−5
		{"Asia/Shanghai", "2016-03-27", "42456", "2016-03-27T04:00:00Z"},    // no DST: always UTC+8
	}
	for _, tc := range tests {
		t.Run(tc.zone+" "+tc.day, func(t *testing.T) {
			loc := zone(t, tc.zone)
			want, err := time.Parse(time.RFC3339, tc.wantUTC)
			if err != nil {
				t.Fatal(err)
			}
			v := stayValidator(t, loc)
			for _, dep := range []string{tc.day, tc.excel, tc.day[:4] + "年" + tc.day[5:7] + "月" + tc.day[8:] + "日"} {
				// Arrived the afternoon before: an ordinary one-night stay.
				r, issues, ok := v.Stay(2, []string{"S1", "G1", "2016-01-01 15:00", dep})
				if !ok {
					t.Fatalf("departure %q: rejected: %v", dep, issueCodes(issues))
				}
				if !r.Departure.Equal(want) {
					t.Errorf("departure %q stored at %s (%s local), want %s (12:00 local)",
						dep, r.Departure.UTC().Format(time.RFC3339), r.Departure.In(loc).Format("15:04 MST"), tc.wantUTC)
				}
			}
			// Excel's fraction of a day is wall-clock too: .5 is noon.
			r, issues, ok := v.Stay(2, []string{"S1", "G1", "2016-01-01 15:00", tc.excel + ".5"})
			if !ok || !r.Departure.Equal(want) {
				t.Errorf("Excel %s.5: ok %v %v, stored %s, want %s", tc.excel, ok, issueCodes(issues),
					r.Departure.UTC().Format(time.RFC3339), tc.wantUTC)
			}
		})
	}
}

func TestSameDayStaysLoadAndEarlierDaysAreImpossible(t *testing.T) {
	shanghai := zone(t, "Asia/Shanghai")
	lisbon := zone(t, "Europe/Lisbon")
	at := func(loc *time.Location, s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name               string
		loc                *time.Location
		arrival, departure string
		wantOK             bool
		wantDeparture      string // hotel-local, when loaded
	}{
		{"day-use, bare departure after a 14:00 arrival: departs at the arrival", shanghai, "2016-03-27 14:00", "2016-03-27", true, "2016-03-27 14:00"},
		{"day-use, bare departure after a morning arrival: departs at 12:00", shanghai, "2016-03-27 09:30", "2016-03-27", true, "2016-03-27 12:00"},
		{"both bare: arrival midnight, departure 12:00", shanghai, "2016-03-27", "2016-03-27", true, "2016-03-27 12:00"},
		{"departure stamped 00:00 on the arrival's day", shanghai, "2016-03-27 14:00", "2016-03-27 00:00", true, "2016-03-27 14:00"},
		{"departure clock before the arrival's on the same day", shanghai, "2016-03-27 14:00", "2016-03-27 11:00", true, "2016-03-27 14:00"},
		{"same-day stay as written", shanghai, "2016-03-27 14:00", "2016-03-27 18:30", true, "2016-03-27 18:30"},
		{"an ordinary night", shanghai, "2016-03-27 14:00", "2016-03-28", true, "2016-03-28 12:00"},
		{"day-use on Lisbon's spring-forward day", lisbon, "2016-03-27 14:00", "2016-03-27", true, "2016-03-27 14:00"},
		{"day-use on Lisbon's fall-back day, morning arrival", lisbon, "2016-10-30 08:00", "2016-10-30", true, "2016-10-30 12:00"},
		// 23:30 UTC on the 27th is the 28th in Shanghai: the arrival's day.
		{"same hotel-local day through a UTC offset", shanghai, "2016-03-28 14:00", "2016-03-27T23:30:00Z", true, "2016-03-28 14:00"},
		{"bare departure the day before", shanghai, "2016-03-27 14:00", "2016-03-26", false, ""},
		{"timed departure the evening before", shanghai, "2016-03-27 14:00", "2016-03-26 23:59", false, ""},
		{"bare arrival, departure the day before", lisbon, "2016-10-30", "2016-10-29 23:00", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := stayValidator(t, tc.loc)
			r, issues, ok := v.Stay(2, []string{"S1", "G1", tc.arrival, tc.departure})
			if ok != tc.wantOK {
				t.Fatalf("loaded %v, want %v: %v", ok, tc.wantOK, issueCodes(issues))
			}
			if !ok {
				if len(issues) != 1 || issues[0].Code != RImpossibleDates || issues[0].Column != FDeparture {
					t.Errorf("rejected with %v, want one IMPOSSIBLE_DATES on the departure", issueCodes(issues))
				}
				return
			}
			if len(issues) != 0 {
				t.Errorf("loaded with issues %v", issueCodes(issues))
			}
			if want := at(tc.loc, tc.wantDeparture); !r.Departure.Equal(want) {
				t.Errorf("departure stored %s, want %s", r.Departure.In(tc.loc).Format("2006-01-02 15:04 MST"), tc.wantDeparture)
			}
			if r.Departure.Before(r.Arrival) {
				t.Errorf("departure %s before arrival %s", r.Departure, r.Arrival)
			}
		})
	}
}
