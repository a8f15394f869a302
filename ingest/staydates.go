package ingest

import "time"

// checkOutHour is the wall-clock hour given to a departure exported as a
// bare date: the hotel's usual check-out, so that the 24-hour callback is
// not due at midnight.
const checkOutHour = 12

// stayDeparture settles when a stay ended, given its arrival and its
// departure as read (hasClock false for a bare date, read as midnight).
// ok is false when the departure falls on a hotel-local day before the
// arrival's: that stay is impossible.
//
// A bare departure date means the check-out hour on that day, as a
// wall-clock time in the hotel's zone (on a clock-change day, 12:00 is not
// midnight plus 12 hours). A departure on the arrival's day that reads
// before the arrival — a bare date after a 14:00 arrival, or a clock the
// export stamped earlier than the arrival's — is a same-day stay (钟点房,
// no night), stored as departing at the arrival itself. The arrival is the
// earliest moment the guest can have left, so the callback due 24 hours
// after the stored departure is never later than 24 hours after the real
// one; the end of the day would be up to 34 hours late for a guest who
// left at 14:05. The visit merge and the room-night count read the
// hotel-local date, which is the same either way.
func stayDeparture(arrival, departure time.Time, hasClock bool, loc *time.Location) (time.Time, bool) {
	if !hasClock {
		departure = atWallClock(departure, checkOutHour, loc)
	}
	if !departure.Before(arrival) {
		return departure, true
	}
	if !sameLocalDay(arrival, departure, loc) {
		return departure, false
	}
	return arrival, true
}

// atWallClock is hour:00 on t's calendar day in loc, read off the wall
// clock: time.Date, not midnight plus elapsed hours, which is an hour off
// on the days the clocks change.
func atWallClock(t time.Time, hour int, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, hour, 0, 0, 0, loc)
}

// sameLocalDay reports whether a and b fall on one calendar day in loc.
func sameLocalDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}
