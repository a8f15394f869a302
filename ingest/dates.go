package ingest

import (
	"math"
	"strconv"
	"time"
)

// Dates outside these years are typing mistakes, not hotel history.
const (
	minDateYear = 1900
	maxDateYear = 2100
)

// ParseTime reads a date or date-time as written by hotel exports, in the
// hotel's location loc (UTC when nil). It returns the instant, and whether the
// text carried a time of day (false → midnight local).
//
// Accepted, after FoldText: 2015-11-15, 2015/11/15, 2015.11.15, 2015-1-5,
// 20151115 and 2015年11月15日, each optionally followed (after a space or T)
// by 14:05, 14:05:06 or 14:05:06.123, or by 14时05分06秒; RFC 3339 with an
// offset; and Excel serial numbers (at most 5 integer digits) in the 1900
// system, or the 1904 system when date1904. Day-first and month-first dates
// such as 11/15/2015 are refused: they cannot be told apart.
//
// Errors are *ValueError with code RBadDate (RMissingValue when s is blank);
// their messages never repeat s.
func ParseTime(s string, loc *time.Location, date1904 bool) (t time.Time, hasClock bool, err error) {
	s = FoldText(s)
	if s == "" {
		return time.Time{}, false, valueErr(RMissingValue, "date is empty")
	}
	if loc == nil {
		loc = time.UTC
	}
	if isExcelSerial(s) {
		serial, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false, valueErr(RBadDate, "date is not a number Excel could write")
		}
		t, err := ExcelSerialToTime(serial, date1904, loc)
		return t, serial != math.Trunc(serial), err
	}
	return parseWrittenTime(s, loc)
}

// isExcelSerial reports whether s looks like an Excel date serial: 1 to 5
// integer digits and an optional fraction. Eight digits are yyyymmdd instead.
func isExcelSerial(s string) bool {
	intPart, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i+1:]
			if frac == "" {
				return false
			}
			break
		}
	}
	return len(intPart) >= 1 && len(intPart) <= 5 && isDigits(intPart) && isDigits(frac)
}

// ExcelSerialToTime converts an Excel serial date (days, with the time of day
// as the fraction) to a wall-clock time in loc, rounded to the second.
//
// In the 1900 system serial 1 is 1900-01-01, and Excel, copying Lotus 1-2-3,
// counts a 29 February 1900 that never was: serial 60 is refused, and serials
// from 61 on are one day later than their count. In the 1904 system serial 0
// is 1904-01-01.
func ExcelSerialToTime(serial float64, date1904 bool, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if math.IsNaN(serial) || math.IsInf(serial, 0) {
		return time.Time{}, valueErr(RBadDate, "Excel date is not a number")
	}
	days := math.Floor(serial)
	seconds := int(math.Round((serial - days) * 86400))
	// Beyond this the year check below fails anyway; guard the int conversion.
	if days > 1e6 {
		return time.Time{}, valueErr(RBadDate, "date is outside %d–%d", minDateYear, maxDateYear)
	}
	var epoch time.Time
	switch {
	case date1904 && serial < 0:
		return time.Time{}, valueErr(RBadDate, "Excel date is before 1904-01-01")
	case date1904:
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, loc)
	case serial < 1:
		return time.Time{}, valueErr(RBadDate, "Excel date is before 1900-01-01")
	case days == 60:
		return time.Time{}, valueErr(RBadDate, "Excel date is 1900-02-29, a day that never was")
	case days < 60:
		epoch = time.Date(1899, 12, 31, 0, 0, 0, 0, loc)
	default:
		epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
	}
	t := time.Date(epoch.Year(), epoch.Month(), epoch.Day()+int(days), 0, 0, seconds, 0, loc)
	if t.Year() < minDateYear || t.Year() > maxDateYear {
		return time.Time{}, valueErr(RBadDate, "date is outside %d–%d", minDateYear, maxDateYear)
	}
	return t, nil
}

// errDateFormat is the answer to anything that is not one of the shapes
// ParseTime documents.
func errDateFormat() error {
	return valueErr(RBadDate, "date is not in a recognised format")
}

// parseWrittenTime reads the textual forms: a date, then an optional time of
// day, then (for colon-separated times) an optional UTC offset.
func parseWrittenTime(s string, loc *time.Location) (time.Time, bool, error) {
	sc := dateScanner{s: s}
	y, m, d, chinese, ok := sc.date()
	if !ok {
		return time.Time{}, false, errDateFormat()
	}
	if err := checkCalendarDate(y, m, d); err != nil {
		return time.Time{}, false, err
	}
	if sc.done() {
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc), false, nil
	}
	if !sc.literal("T") && !sc.literal(" ") && !chinese {
		return time.Time{}, false, errDateFormat()
	}
	c, ok := sc.clock()
	if !ok || !sc.done() {
		return time.Time{}, false, errDateFormat()
	}
	if c.hour > 23 || c.min > 59 || c.sec > 59 {
		return time.Time{}, false, valueErr(RBadDate, "time of day is out of range")
	}
	zone := loc
	if c.hasOffset {
		if c.offsetHours > 23 || c.offsetMins > 59 {
			return time.Time{}, false, valueErr(RBadDate, "UTC offset is out of range")
		}
		zone = time.FixedZone("", c.offsetSign*(c.offsetHours*3600+c.offsetMins*60))
	}
	t := time.Date(y, time.Month(m), d, c.hour, c.min, c.sec, c.nanos, zone).In(loc)
	if t.Year() < minDateYear || t.Year() > maxDateYear {
		// An offset can carry the written date across the range's edge.
		return time.Time{}, false, valueErr(RBadDate, "date is outside %d–%d", minDateYear, maxDateYear)
	}
	return t, true, nil
}

// checkCalendarDate refuses dates that do not exist (2015-02-30) and years
// outside minDateYear..maxDateYear.
func checkCalendarDate(y, m, d int) error {
	if y < minDateYear || y > maxDateYear {
		return valueErr(RBadDate, "date is outside %d–%d", minDateYear, maxDateYear)
	}
	if m < 1 || m > 12 || d < 1 || d > daysInMonth(y, time.Month(m)) {
		return valueErr(RBadDate, "date does not exist in the calendar")
	}
	return nil
}

// daysInMonth is the length of month m of year y.
func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// clockTime is a time of day as written, not yet checked for range.
type clockTime struct {
	hour, min, sec, nanos int

	hasOffset               bool
	offsetSign              int
	offsetHours, offsetMins int
}

// dateScanner walks a folded date string left to right. Every method either
// consumes what it recognises and reports true, or reports false.
type dateScanner struct {
	s string
	i int
}

func (sc *dateScanner) done() bool { return sc.i == len(sc.s) }

// literal consumes lit if the text continues with it.
func (sc *dateScanner) literal(lit string) bool {
	if len(sc.s)-sc.i >= len(lit) && sc.s[sc.i:sc.i+len(lit)] == lit {
		sc.i += len(lit)
		return true
	}
	return false
}

// number consumes between minDigits and maxDigits ASCII digits (as many as
// there are, up to maxDigits) and returns their value.
func (sc *dateScanner) number(minDigits, maxDigits int) (int, bool) {
	n, start := 0, sc.i
	for sc.i < len(sc.s) && sc.i-start < maxDigits && sc.s[sc.i] >= '0' && sc.s[sc.i] <= '9' {
		n = n*10 + int(sc.s[sc.i]-'0')
		sc.i++
	}
	return n, sc.i-start >= minDigits
}

// date reads year, month and day in one of the accepted layouts; chinese
// reports a date closed by 日, after which a time may follow without a space.
func (sc *dateScanner) date() (y, m, d int, chinese, ok bool) {
	if y, ok = sc.number(4, 4); !ok {
		return 0, 0, 0, false, false
	}
	for _, sep := range []string{"-", "/", "."} {
		if sc.literal(sep) {
			m, ok1 := sc.number(1, 2)
			ok2 := sc.literal(sep)
			d, ok3 := sc.number(1, 2)
			return y, m, d, false, ok1 && ok2 && ok3
		}
	}
	if sc.literal("年") {
		m, ok1 := sc.number(1, 2)
		ok2 := sc.literal("月")
		d, ok3 := sc.number(1, 2)
		closed := sc.literal("日")
		return y, m, d, closed, ok1 && ok2 && ok3
	}
	m, ok1 := sc.number(2, 2)
	d, ok2 := sc.number(2, 2)
	return y, m, d, false, ok1 && ok2
}

// clock reads 14:05, 14:05:06, 14:05:06.123 (each with an optional Z or
// ±hh:mm offset) or 14时, 14时05分, 14时05分06秒 (点 for 时 too).
func (sc *dateScanner) clock() (c clockTime, ok bool) {
	if c.hour, ok = sc.number(1, 2); !ok {
		return c, false
	}
	if sc.literal("时") || sc.literal("点") {
		if sc.done() {
			return c, true
		}
		if c.min, ok = sc.number(1, 2); !ok || !sc.literal("分") {
			return c, false
		}
		if sc.done() {
			return c, true
		}
		if c.sec, ok = sc.number(1, 2); !ok || !sc.literal("秒") {
			return c, false
		}
		return c, true
	}
	if !sc.literal(":") {
		return c, false
	}
	if c.min, ok = sc.number(2, 2); !ok {
		return c, false
	}
	if sc.literal(":") {
		if c.sec, ok = sc.number(2, 2); !ok {
			return c, false
		}
		if sc.literal(".") {
			if c.nanos, ok = sc.fraction(); !ok {
				return c, false
			}
		}
	}
	return c, sc.offset(&c)
}

// fraction reads 1 to 9 digits of a second as nanoseconds.
func (sc *dateScanner) fraction() (int, bool) {
	start := sc.i
	n, ok := sc.number(1, 9)
	for range 9 - (sc.i - start) {
		n *= 10
	}
	return n, ok
}

// offset reads an optional Z, ±hh:mm or ±hhmm into c.
func (sc *dateScanner) offset(c *clockTime) bool {
	if sc.done() {
		return true
	}
	if sc.literal("Z") {
		c.hasOffset, c.offsetSign = true, 1
		return true
	}
	switch {
	case sc.literal("+"):
		c.offsetSign = 1
	case sc.literal("-"):
		c.offsetSign = -1
	default:
		return false
	}
	c.hasOffset = true
	var ok bool
	if c.offsetHours, ok = sc.number(2, 2); !ok {
		return false
	}
	sc.literal(":")
	c.offsetMins, ok = sc.number(2, 2)
	return ok
}
