package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSLABoundsReadADayAsTheWholeHotelDay: --from D is the day's start and
// --to D its end in the hotel's clock, across a clock change; moments are
// kept as they were accepted before; anything else is a usage error.
func TestSLABoundsReadADayAsTheWholeHotelDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	def := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		flag, in string
		loc      *time.Location
		isEnd    bool
		want     string // RFC 3339, written out by hand
	}{
		{"--from", "2026-12-05", shanghaiZone(t), false, "2026-12-05T00:00:00+08:00"},
		{"--to", "2026-12-05", shanghaiZone(t), true, "2026-12-06T00:00:00+08:00"},
		// New York falls back on 1 November 2026: that day lasts 25 hours.
		{"--from", "2026-11-01", ny, false, "2026-11-01T00:00:00-04:00"},
		{"--to", "2026-11-01", ny, true, "2026-11-02T00:00:00-05:00"},
		{"--from", "2026-12-05 09:30", shanghaiZone(t), false, "2026-12-05T09:30:00+08:00"},
		{"--to", "2026-12-05 09:30", shanghaiZone(t), true, "2026-12-05T09:30:00+08:00"},
		{"--to", "2026-12-05T01:00:00Z", shanghaiZone(t), true, "2026-12-05T09:00:00+08:00"},
		{"--from", "", shanghaiZone(t), false, "2030-01-01T08:00:00+08:00"},
	} {
		got, err := slaBound(c.flag, c.in, c.loc, def, c.isEnd)
		want, perr := time.Parse(time.RFC3339, c.want)
		if perr != nil {
			t.Fatal(perr)
		}
		if err != nil || !got.Equal(want) {
			t.Errorf("%s %q: %v %v, want %s", c.flag, c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"05/12/2026", "2026-12-5", "2026-12-05 25:00", "tomorrow", "2026-13-01"} {
		_, err := slaBound("--from", bad, shanghaiZone(t), def, false)
		var ex exitError
		if !errors.As(err, &ex) || ex.code != exitUsage || !strings.Contains(ex.msg, "--from") || !strings.Contains(ex.msg, "YYYY-MM-DD") {
			t.Errorf("%q: %v, want a usage error naming --from and the forms", bad, err)
		}
	}
}

func shanghaiZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// FuzzSLABound: whatever is typed, a bound is an error of status 2 or a
// time; a day read as both ends spans one hotel day (23 to 25 hours).
func FuzzSLABound(f *testing.F) {
	for _, s := range []string{"2026-12-05", "2026-11-01", "2026-12-05 09:30", "2026-12-05T01:00:00Z", "", "x"} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	def := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		from, ferr := slaBound("--from", s, ny, def, false)
		to, terr := slaBound("--to", s, ny, def, true)
		var ex exitError
		for _, err := range []error{ferr, terr} {
			if err != nil && (!errors.As(err, &ex) || ex.code != exitUsage) {
				t.Fatalf("%q: %v is not a usage error", s, err)
			}
		}
		if (ferr == nil) != (terr == nil) {
			t.Fatalf("%q: read as one end only: %v %v", s, ferr, terr)
		}
		if _, err := time.Parse(time.DateOnly, s); err == nil {
			if span := to.Sub(from); span < 23*time.Hour || span > 25*time.Hour {
				t.Errorf("the day %q spans %v", s, span)
			}
		}
	})
}
