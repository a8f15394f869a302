package ingest

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// shanghai is the hotel's location in these tests; China has no DST, so
// fixed +08:00 is exact and needs no tzdata.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

func TestParseTimeAccepts(t *testing.T) {
	at := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, shanghai)
	}
	tests := []struct {
		in        string
		date1904  bool
		want      time.Time
		wantClock bool
	}{
		{"2015-11-15", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"2015/11/15", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"2015.11.15", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"2015-1-5", false, at(2015, 1, 5, 0, 0, 0, 0), false},
		{"2015/1/5", false, at(2015, 1, 5, 0, 0, 0, 0), false},
		{"20151115", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"  2015-11-15  ", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"\u30002015-11-15\u3000", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"2015-11-15 14:05", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015-11-15 14:05:06", false, at(2015, 11, 15, 14, 5, 6, 0), true},
		{"2015-11-15 14:05:06.123", false, at(2015, 11, 15, 14, 5, 6, 123_000_000), true},
		{"2015-11-15T14:05:06", false, at(2015, 11, 15, 14, 5, 6, 0), true},
		{"2015-11-15   14:05", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015/11/15 14:05", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015/1/5 9:05", false, at(2015, 1, 5, 9, 5, 0, 0), true},
		{"2015.11.15 14:05:06", false, at(2015, 11, 15, 14, 5, 6, 0), true},
		{"20151115 14:05", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"20151115T14:05:06", false, at(2015, 11, 15, 14, 5, 6, 0), true},
		{"2015-11-15 00:00", false, at(2015, 11, 15, 0, 0, 0, 0), true},
		{"2015-11-15 23:59:59.999999999", false, at(2015, 11, 15, 23, 59, 59, 999_999_999), true},
		{"2016-02-29", false, at(2016, 2, 29, 0, 0, 0, 0), false},
		{"2000-02-29", false, at(2000, 2, 29, 0, 0, 0, 0), false},
		{"1900-01-01", false, at(1900, 1, 1, 0, 0, 0, 0), false},
		{"2100-12-31", false, at(2100, 12, 31, 0, 0, 0, 0), false},

		{"2015年11月15日", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"2015年1月5日", false, at(2015, 1, 5, 0, 0, 0, 0), false},
		{"2015年11月15日 14:05", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015年11月15日14时05分", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015年11月15日 14时05分06秒", false, at(2015, 11, 15, 14, 5, 6, 0), true},
		{"2015年11月15日 14时", false, at(2015, 11, 15, 14, 0, 0, 0), true},
		{"2015年11月15日 9点5分", false, at(2015, 11, 15, 9, 5, 0, 0), true},

		{"２０１５－１１－１５", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"２０１５／１１／１５　１４：０５", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"２０１５年１１月１５日", false, at(2015, 11, 15, 0, 0, 0, 0), false},

		{"2015-11-15T14:05:00+08:00", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015-11-15T06:05:00Z", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015-11-15T14:05:00.5+08:00", false, at(2015, 11, 15, 14, 5, 0, 500_000_000), true},
		{"2015-11-15T01:05:00-05:00", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015-11-15 14:05:00+0800", false, at(2015, 11, 15, 14, 5, 0, 0), true},
		{"2015-11-15T22:05:00Z", false, at(2015, 11, 16, 6, 5, 0, 0), true},

		{"45658", false, at(2025, 1, 1, 0, 0, 0, 0), false},
		{"45658.5", false, at(2025, 1, 1, 12, 0, 0, 0), true},
		{"45658.25", false, at(2025, 1, 1, 6, 0, 0, 0), true},
		{"45658.58680556", false, at(2025, 1, 1, 14, 5, 0, 0), true},
		{"45658.0", false, at(2025, 1, 1, 0, 0, 0, 0), false},
		{"42323", false, at(2015, 11, 15, 0, 0, 0, 0), false},
		{"1", false, at(1900, 1, 1, 0, 0, 0, 0), false},
		{"59", false, at(1900, 2, 28, 0, 0, 0, 0), false},
		{"61", false, at(1900, 3, 1, 0, 0, 0, 0), false},
		{"25569", false, at(1970, 1, 1, 0, 0, 0, 0), false},
		{"４５６５８", false, at(2025, 1, 1, 0, 0, 0, 0), false},
		{"0", true, at(1904, 1, 1, 0, 0, 0, 0), false},
		{"0.5", true, at(1904, 1, 1, 12, 0, 0, 0), true},
		{"44196", true, at(2025, 1, 1, 0, 0, 0, 0), false},
		{"60", true, at(1904, 3, 1, 0, 0, 0, 0), false},
		// the date1904 flag only changes serials, never written dates
		{"2015-11-15", true, at(2015, 11, 15, 0, 0, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, hasClock, err := ParseTime(tt.in, shanghai, tt.date1904)
			if err != nil {
				t.Fatalf("ParseTime(%q) error: %v", tt.in, err)
			}
			if !got.Equal(tt.want) || hasClock != tt.wantClock {
				t.Errorf("ParseTime(%q) = %v, clock %v; want %v, clock %v", tt.in, got, hasClock, tt.want, tt.wantClock)
			}
			if got.Location() != shanghai {
				t.Errorf("ParseTime(%q) location = %v, want the hotel's", tt.in, got.Location())
			}
		})
	}
}

func TestParseTimeRejects(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		date1904 bool
		code     string
	}{
		{"empty", "", false, RMissingValue},
		{"blank", " \u3000 ", false, RMissingValue},
		{"US month first", "11/15/2015", false, RBadDate},
		{"day first", "15/11/2015", false, RBadDate},
		{"day first dotted", "15.11.2015", false, RBadDate},
		{"two-digit year", "15-11-15", false, RBadDate},
		{"30 February", "2015-02-30", false, RBadDate},
		{"29 February, not leap", "2015-02-29", false, RBadDate},
		{"29 February 1900", "1900-02-29", false, RBadDate},
		{"month 13", "2015-13-01", false, RBadDate},
		{"month 0", "2015-00-10", false, RBadDate},
		{"day 0", "2015-11-00", false, RBadDate},
		{"day 32", "2015-01-32", false, RBadDate},
		{"compact 30 February", "20150230", false, RBadDate},
		{"Chinese 31 April", "2015年4月31日", false, RBadDate},
		{"mixed separators", "2015-11/15", false, RBadDate},
		{"three-digit month", "2015-011-15", false, RBadDate},
		{"year 1899", "1899-12-31", false, RBadDate},
		{"year 2101", "2101-01-01", false, RBadDate},
		{"year 9999", "9999-12-31", false, RBadDate},
		{"24:00", "2015-11-15 24:00", false, RBadDate},
		{"hour 25", "2015-11-15 25:00", false, RBadDate},
		{"minute 60", "2015-11-15 14:60", false, RBadDate},
		{"second 60", "2015-11-15 14:05:60", false, RBadDate},
		{"one-digit minute", "2015-11-15 14:5", false, RBadDate},
		{"hour only", "2015-11-15 14", false, RBadDate},
		{"time glued to date", "2015-11-1514:05", false, RBadDate},
		{"time glued to compact date", "2015111514:05", false, RBadDate},
		{"fraction without seconds", "2015-11-15 14:05.5", false, RBadDate},
		{"empty fraction", "2015-11-15 14:05:06.", false, RBadDate},
		{"ten fraction digits", "2015-11-15 14:05:06.1234567890", false, RBadDate},
		{"Chinese 24时", "2015年11月15日 24时", false, RBadDate},
		{"Chinese minute without 分", "2015年11月15日 14时05", false, RBadDate},
		{"Chinese time glued without 日", "2015年11月1514:05", false, RBadDate},
		{"offset hours 24", "2015-11-15T14:05:00+24:00", false, RBadDate},
		{"offset minutes 60", "2015-11-15T14:05:00+08:60", false, RBadDate},
		{"short offset", "2015-11-15T14:05:00+8", false, RBadDate},
		{"offset carries into 2101", "2100-12-31T23:00:00-08:00", false, RBadDate},
		{"offset carries into 1899", "1900-01-01T00:30:00+09:00", false, RBadDate},
		{"trailing text", "2015-11-15 14:05 PM", false, RBadDate},
		{"words", "yesterday", false, RBadDate},
		{"six digits", "201511", false, RBadDate},
		{"seven digits", "2015111", false, RBadDate},
		{"nine digits", "201511150", false, RBadDate},
		{"negative serial", "-1", false, RBadDate},
		{"serial 0", "0", false, RBadDate},
		{"serial 0.5", "0.5", false, RBadDate},
		{"serial 60 (Lotus 1900-02-29)", "60", false, RBadDate},
		{"serial 60.5", "60.5", false, RBadDate},
		{"serial past 2100", "99999", false, RBadDate},
		{"serial past 2100, 1904", "99999", true, RBadDate},
		{"serial with empty fraction", "45658.", false, RBadDate},
		{"serial with two dots", "45658.5.5", false, RBadDate},
		{"serial with exponent", "4.5658e4", false, RBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := ParseTime(tt.in, shanghai, tt.date1904)
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseTime(%q) = %v, %v; want a *ValueError", tt.in, got, err)
			}
			if ve.Code != tt.code {
				t.Errorf("ParseTime(%q) code = %s, want %s", tt.in, ve.Code, tt.code)
			}
			if in := strings.TrimSpace(tt.in); len(in) > 2 && strings.Contains(ve.Msg, in) {
				t.Errorf("ParseTime(%q) message %q repeats the input", tt.in, ve.Msg)
			}
		})
	}
}

func TestParseTimeNilLocationIsUTC(t *testing.T) {
	got, _, err := ParseTime("2015-11-15 14:05", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2015, 11, 15, 14, 5, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestExcelSerialToTime(t *testing.T) {
	tests := []struct {
		name     string
		serial   float64
		date1904 bool
		want     time.Time // zero: an error is expected
	}{
		{"2025-01-01", 45658, false, time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai)},
		{"noon", 45658.5, false, time.Date(2025, 1, 1, 12, 0, 0, 0, shanghai)},
		{"rounds to the second", 45658 + 1.0/86400 - 1e-9, false, time.Date(2025, 1, 1, 0, 0, 1, 0, shanghai)},
		{"end of day rolls over", 45658.9999999999, false, time.Date(2025, 1, 2, 0, 0, 0, 0, shanghai)},
		{"serial 1", 1, false, time.Date(1900, 1, 1, 0, 0, 0, 0, shanghai)},
		{"serial 59", 59, false, time.Date(1900, 2, 28, 0, 0, 0, 0, shanghai)},
		{"serial 59.75", 59.75, false, time.Date(1900, 2, 28, 18, 0, 0, 0, shanghai)},
		{"serial 60", 60, false, time.Time{}},
		{"serial 61", 61, false, time.Date(1900, 3, 1, 0, 0, 0, 0, shanghai)},
		{"serial 0.99", 0.99, false, time.Time{}},
		{"last day of 2100", 73415, false, time.Date(2100, 12, 31, 0, 0, 0, 0, shanghai)},
		{"first day of 2101", 73416, false, time.Time{}},
		{"1904: serial 0", 0, true, time.Date(1904, 1, 1, 0, 0, 0, 0, shanghai)},
		{"1904: serial 60", 60, true, time.Date(1904, 3, 1, 0, 0, 0, 0, shanghai)},
		{"1904: 2025-01-01", 44196, true, time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai)},
		{"1904: negative", -1, true, time.Time{}},
		{"huge", 1e300, false, time.Time{}},
		{"negative huge", -1e300, false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExcelSerialToTime(tt.serial, tt.date1904, shanghai)
			if tt.want.IsZero() {
				var ve *ValueError
				if !errors.As(err, &ve) || ve.Code != RBadDate {
					t.Fatalf("ExcelSerialToTime(%v) = %v, %v; want a BAD_DATE error", tt.serial, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ExcelSerialToTime(%v) = %v, %v; want %v", tt.serial, got, err, tt.want)
			}
		})
	}
}

func TestExcelSerialToTimeNaN(t *testing.T) {
	tests := []struct {
		name string
		v    float64
	}{{"NaN", math.NaN()}, {"+Inf", math.Inf(1)}, {"-Inf", math.Inf(-1)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ExcelSerialToTime(tt.v, false, shanghai); err == nil {
				t.Errorf("ExcelSerialToTime(%s) accepted", tt.name)
			}
		})
	}
}

func TestExcelSerialRoundTrip(t *testing.T) {
	// Every day from 1900-03-01 to 2100-12-31 must come back from its serial.
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	for day := time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC); day.Year() <= maxDateYear; day = day.AddDate(0, 0, 1) {
		serial := float64(day.Sub(epoch) / (24 * time.Hour))
		got, err := ExcelSerialToTime(serial, false, time.UTC)
		if err != nil || !got.Equal(day) {
			t.Fatalf("serial %v = %v, %v; want %v", serial, got, err, day)
		}
	}
}

func BenchmarkParseTime(b *testing.B) {
	for _, in := range []string{"2015-11-15 14:05:06", "2015年11月15日 14时05分", "45658.5"} {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := ParseTime(in, shanghai, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
