package nightly

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// ErrNightOutOfRange is matched (errors.Is) by the refusal of a night that
// is after today, hotel time, or before the warehouse's first stay. Such a
// night is a caller's mistake, never a run: a run for 9999-12-31 would date
// every target, export and download in a future that has not come.
var ErrNightOutOfRange = errors.New("the night is out of range")

// nightRefusal is a night CheckNight refuses; its message is safe to show
// (it names dates only) and reads whole, without a prefix.
type nightRefusal struct{ msg string }

func (r nightRefusal) Error() string        { return r.msg }
func (r nightRefusal) Is(target error) bool { return target == ErrNightOutOfRange }

// Today is the hotel-local day of now, as a civil date.
func Today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CheckNight refuses a night (a civil date) after today in loc or before
// the first day the warehouse holds a stay of, with an error matching
// ErrNightOutOfRange that names the dates allowed and nothing else; a
// warehouse with no stay yet has no first day (tonight's inbox may bring it).
func CheckNight(ctx context.Context, wh *warehouse.Warehouse, night, now time.Time, loc *time.Location) error {
	night = time.Date(night.Year(), night.Month(), night.Day(), 0, 0, 0, 0, time.UTC)
	if today := Today(now, loc); night.After(today) {
		return nightRefusal{fmt.Sprintf("night %s is after today (%s, hotel time): a night is run once it has begun",
			night.Format(time.DateOnly), today.Format(time.DateOnly))}
	}
	first, ok, err := wh.FirstStayDay(ctx)
	if err != nil {
		return fmt.Errorf("nightly: check night %s: %w", night.Format(time.DateOnly), err)
	}
	if ok && night.Before(first) {
		return nightRefusal{fmt.Sprintf("night %s is before the warehouse's first data (%s): there is nothing to analyse",
			night.Format(time.DateOnly), first.Format(time.DateOnly))}
	}
	return nil
}
