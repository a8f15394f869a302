package csvstage

import (
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"
)

var shanghai = dbtest.Shanghai

func TestCSVRowWritesWhatDuckDBReadsBack(t *testing.T) {
	kolkata := dbtest.Zone("Asia/Kolkata")
	ny := dbtest.Zone("America/New_York")
	cases := []struct {
		name  string
		write func(c *Row)
		want  string
	}{
		{"plain and null", func(c *Row) { c.Str("丽都"); c.Str(""); c.Int(-42) }, "丽都,,-42\n"},
		{"quotes", func(c *Row) { c.Str(`say "hi", ok`); c.Str("two\nlines") }, "\"say \"\"hi\"\", ok\",\"two\nlines\"\n"},
		{"shanghai", func(c *Row) { c.Timestamp(time.Date(2026, 11, 20, 15, 4, 5, 0, shanghai)) }, "2026-11-20 15:04:05+08:00\n"},
		{"microseconds", func(c *Row) { c.Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 123456789, shanghai)) }, "2026-01-02 03:04:05.123456+08:00\n"},
		{"half-hour offset", func(c *Row) { c.Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 0, kolkata)) }, "2026-01-02 03:04:05+05:30\n"},
		{"negative offset", func(c *Row) { c.Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 0, ny)) }, "2026-01-02 03:04:05-05:00\n"},
		{"date and bools", func(c *Row) {
			d := time.Date(1949, 12, 31, 0, 0, 0, 0, shanghai)
			c.Date(&d)
			c.Bool(true)
			c.BoolPtr(nil)
		}, "1949-12-31,true,\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c Row
			tc.write(&c)
			c.End()
			if got := string(c.buf); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
