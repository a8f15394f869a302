package warehouse

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestKPICalendarKeysAgreeWithSQL checks that DuckDB names each day's week
// and month as the Go side does, across ISO years that start in December
// and end in January.
func TestKPICalendarKeysAgreeWithSQL(t *testing.T) {
	w := openTemp(t)
	for _, by := range []string{"day", "week", "month"} {
		expr := strings.ReplaceAll(kpiKeys[by], "ev_day", "CAST(d AS DATE)")
		got := queryStrings(t, w, "SELECT "+expr+" FROM range(DATE '2020-12-20', DATE '2027-01-10', INTERVAL 1 DAY) r(d) ORDER BY d")
		var want []string
		for d := time.Date(2020, 12, 20, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
			want = append(want, calendarKey(by, d))
		}
		if !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("%s: day %d is %s in SQL, %s in Go", by, i, got[i], want[i])
					break
				}
			}
			t.Errorf("%s: %d keys in SQL, %d in Go", by, len(got), len(want))
		}
	}
}
