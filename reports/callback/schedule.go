package callback

import (
	"fmt"
	"time"
)

// Window is a daily span of hotel-local clock time, [From, To). A window
// whose To is before its From runs over midnight (quiet hours 21:00–09:00).
type Window struct {
	From, To time.Duration // since local midnight
}

// Clock makes a Window from "HH:MM" times.
func Clock(from, to string) (Window, error) {
	f, err := parseClock(from)
	if err != nil {
		return Window{}, err
	}
	t, err := parseClock(to)
	if err != nil {
		return Window{}, err
	}
	return Window{From: f, To: t}, nil
}

func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("callback: %q is not a clock time like 09:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// contains says whether the local clock time c falls in the window.
func (w Window) contains(c time.Duration) bool {
	if w.From <= w.To {
		return c >= w.From && c < w.To
	}
	return c >= w.From || c < w.To
}

// end is how long after clock time c the window containing c ends.
func (w Window) end(c time.Duration) time.Duration {
	if c < w.To {
		return w.To - c
	}
	return 24*time.Hour - c + w.To
}

// Rules say when calls may be placed.
type Rules struct {
	Loc         *time.Location
	Quiet       Window   // no calls (default 21:00–09:00)
	Rush        []Window // the team serves the dining rooms and lobby (default 12:00–13:00, 18:00–19:00)
	RetryGap    time.Duration
	MaxAttempts int
}

// DefaultRules are the hotel's rules unless configured otherwise.
func DefaultRules(loc *time.Location) Rules {
	return Rules{
		Loc:   loc,
		Quiet: Window{From: 21 * time.Hour, To: 9 * time.Hour},
		Rush: []Window{
			{From: 12 * time.Hour, To: 13 * time.Hour},
			{From: 18 * time.Hour, To: 19 * time.Hour},
		},
		RetryGap:    2 * time.Hour,
		MaxAttempts: 3,
	}
}

// clockOf is t's hotel-local time of day.
func (r Rules) clockOf(t time.Time) time.Duration {
	l := t.In(r.Loc)
	y, m, d := l.Date()
	return l.Sub(time.Date(y, m, d, 0, 0, 0, 0, r.Loc))
}

// Callable returns the first moment at or after t when a call may be placed:
// t itself unless it falls in quiet hours or a rush, else the end of that
// span (and of any span it runs into).
func (r Rules) Callable(t time.Time) time.Time {
	for range 8 { // spans can chain (a rush ending into quiet hours); eight is plenty
		c := r.clockOf(t)
		moved := false
		for _, w := range append([]Window{r.Quiet}, r.Rush...) {
			if w.From != w.To && w.contains(c) {
				t = t.Add(w.end(c))
				moved = true
				break
			}
		}
		if !moved {
			return t
		}
	}
	return t
}

// NextCall is when the task should be called after an attempt at `at` that
// ended with d, given the attempts made so far (this one included) and, for
// call_back_later, the time the guest asked for. ok is false when no further
// call is due: the disposition is final, or the attempts are used up.
//
// A time the guest asked for wins over quiet hours and rushes: they chose it.
func (r Rules) NextCall(at time.Time, d Disposition, attempts int, requested time.Time) (next time.Time, ok bool) {
	switch {
	case d.Final():
		return time.Time{}, false
	case d == CallBackLater:
		if requested.After(at) {
			return requested, true
		}
		return r.Callable(at.Add(r.RetryGap)), true
	case d.Retry():
		if attempts >= r.MaxAttempts {
			return time.Time{}, false
		}
		return r.Callable(at.Add(r.RetryGap)), true
	}
	return time.Time{}, false
}
