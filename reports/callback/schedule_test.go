package callback

import (
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"
)

var shanghai = dbtest.Shanghai

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCallableAvoidsQuietHoursAndTheRush(t *testing.T) {
	r := DefaultRules(shanghai)
	cases := []struct{ in, want string }{
		{"2026-11-26 10:30", "2026-11-26 10:30"}, // a working hour
		{"2026-11-26 09:00", "2026-11-26 09:00"}, // quiet hours end at 09:00
		{"2026-11-26 08:59", "2026-11-26 09:00"},
		{"2026-11-26 21:00", "2026-11-27 09:00"}, // quiet hours run over midnight
		{"2026-11-26 23:45", "2026-11-27 09:00"},
		{"2026-11-27 02:00", "2026-11-27 09:00"},
		{"2026-11-26 12:00", "2026-11-26 13:00"}, // lunch rush
		{"2026-11-26 12:59", "2026-11-26 13:00"},
		{"2026-11-26 18:30", "2026-11-26 19:00"}, // dinner rush
		{"2026-11-26 20:59", "2026-11-26 20:59"},
	}
	for _, tc := range cases {
		if got := r.Callable(at(tc.in)); !got.Equal(at(tc.want)) {
			t.Errorf("Callable(%s) = %s, want %s", tc.in, got.In(shanghai).Format("2006-01-02 15:04"), tc.want)
		}
	}
	// A rush that ends into quiet hours chains to the morning.
	r.Rush = append(r.Rush, Window{From: 20 * time.Hour, To: 21 * time.Hour})
	if got := r.Callable(at("2026-11-26 20:30")); !got.Equal(at("2026-11-27 09:00")) {
		t.Errorf("chained spans: %s", got.In(shanghai))
	}
	// The rules hold in the hotel's zone whatever the caller's zone.
	if got := DefaultRules(shanghai).Callable(at("2026-11-26 12:30").UTC()); !got.Equal(at("2026-11-26 13:00")) {
		t.Errorf("a UTC instant in the lunch rush: %s", got.In(shanghai))
	}
}

func TestNextCall(t *testing.T) {
	r := DefaultRules(shanghai)
	cases := []struct {
		name      string
		at        string
		d         Disposition
		attempts  int
		requested string
		want      string // "" when no further call
	}{
		{"no answer: retry after the gap", "2026-11-26 09:30", NoAnswer, 1, "", "2026-11-26 11:30"},
		// 10:30 + 2 h = 12:30, in the lunch rush: after it.
		{"busy: retry, not in the rush", "2026-11-26 10:30", Busy, 2, "", "2026-11-26 13:00"},
		{"no answer: attempts used up", "2026-11-26 10:00", NoAnswer, 3, "", ""},
		{"evening no answer: next morning", "2026-11-26 20:00", NoAnswer, 1, "", "2026-11-27 09:00"},
		{"the guest's requested time wins, even in quiet hours", "2026-11-26 10:00", CallBackLater, 1, "2026-11-26 21:30", "2026-11-26 21:30"},
		{"a requested time in the past: after the gap", "2026-11-26 09:30", CallBackLater, 1, "2026-11-26 09:00", "2026-11-26 11:30"},
		{"reached: closed", "2026-11-26 10:00", ReachedSatisfied, 1, "", ""},
		{"issue raised: closed (a recovery case follows)", "2026-11-26 10:00", ReachedIssue, 1, "", ""},
		{"wrong number: closed", "2026-11-26 10:00", WrongNumber, 1, "", ""},
		{"do not call: closed", "2026-11-26 10:00", DoNotCall, 1, "", ""},
		{"declined: closed", "2026-11-26 10:00", Declined, 1, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req time.Time
			if tc.requested != "" {
				req = at(tc.requested)
			}
			next, ok := r.NextCall(at(tc.at), tc.d, tc.attempts, req)
			switch {
			case tc.want == "" && ok:
				t.Errorf("a next call at %s; want none", next.In(shanghai))
			case tc.want != "" && (!ok || !next.Equal(at(tc.want))):
				t.Errorf("next %s (%v), want %s", next.In(shanghai).Format("2006-01-02 15:04"), ok, tc.want)
			}
		})
	}
}

func TestDispositions(t *testing.T) {
	for _, d := range Dispositions() {
		zh, en := d.Labels()
		if zh == "" || en == "" {
			t.Errorf("%s has no labels", d)
		}
		if got, err := ParseDisposition(string(d)); err != nil || got != d {
			t.Errorf("ParseDisposition(%s) = %v, %v", d, got, err)
		}
	}
	if _, err := ParseDisposition("hung_up"); err == nil {
		t.Error("an unknown disposition was accepted")
	}
	if !ReachedIssue.Reached() || NoAnswer.Reached() || !NoAnswer.Retry() || CallBackLater.Final() {
		t.Error("disposition rules are off")
	}
}

func TestClock(t *testing.T) {
	w, err := Clock("21:00", "09:00")
	if err != nil || w.From != 21*time.Hour || w.To != 9*time.Hour {
		t.Errorf("Clock: %v %v", w, err)
	}
	if _, err := Clock("25:00", "09:00"); err == nil {
		t.Error("25:00 accepted")
	}
}
