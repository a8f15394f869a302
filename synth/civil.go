package synth

import "strconv"

// day counts days since 1970-01-01 on the hotel's calendar and minute counts
// minutes since its midnight. Both are wall-clock values: the exports carry no
// zone, so the generator works in the hotel's local time throughout and never
// converts, which also keeps it fast (no time.Time in the hot path).
type (
	day    int32
	minute int64
)

const minutesPerDay = 24 * 60

// excelEpochOffset is the Excel serial of 1970-01-01 (serials count days from
// 1899-12-30, which absorbs Excel's 1900 leap-year bug for modern dates).
const excelEpochOffset = 25569

// dayOf is days_from_civil (H. Hinnant) for the proleptic Gregorian calendar.
func dayOf(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// date is the inverse of dayOf.
func (d day) date() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// weekday is 0 for Sunday … 6 for Saturday (1970-01-01 was a Thursday).
func (d day) weekday() int { return ((int(d) % 7) + 7 + 4) % 7 }

// at is the minute of h:mi on day d.
func (d day) at(h, mi int) minute { return minute(d)*minutesPerDay + minute(h*60+mi) }

// day is the calendar day the minute falls on.
func (m minute) day() day {
	q := m / minutesPerDay
	if m%minutesPerDay < 0 {
		q--
	}
	return day(q)
}

// clock is the hour and minute of m.
func (m minute) clock() (h, mi int) {
	r := int(m - minute(m.day())*minutesPerDay)
	return r / 60, r % 60
}

// excelSerial is m as an Excel date serial (1900 system).
func (m minute) excelSerial() float64 {
	return float64(m.day()) + excelEpochOffset + float64(int(m-minute(m.day())*minutesPerDay))/minutesPerDay
}

// dateStyle is how an export spells dates.
type dateStyle uint8

const (
	dateISO        dateStyle = iota // 2015-11-15 14:05
	dateSlash                       // 2015/11/15 14:05
	dateExcel                       // 2015/11/5 9:05, as Excel in a Chinese locale saves CSV
	dateChinese                     // 2015年11月5日 14:05
	dateISOSeconds                  // 2015-11-15 14:05:00, Clean mode
)

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendDay writes the date of d in style st.
func appendDay(b []byte, d day, st dateStyle) []byte {
	y, m, dd := d.date()
	b = strconv.AppendInt(b, int64(y), 10)
	switch st {
	case dateSlash:
		b = append(b, '/')
		b = append2(b, m)
		b = append(b, '/')
		b = append2(b, dd)
	case dateExcel:
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(m), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(dd), 10)
	case dateChinese:
		b = append(b, "年"...)
		b = strconv.AppendInt(b, int64(m), 10)
		b = append(b, "月"...)
		b = strconv.AppendInt(b, int64(dd), 10)
		b = append(b, "日"...)
	default:
		b = append(b, '-')
		b = append2(b, m)
		b = append(b, '-')
		b = append2(b, dd)
	}
	return b
}

// appendMinute writes the date and time of m in style st.
func appendMinute(b []byte, m minute, st dateStyle) []byte {
	b = appendDay(b, m.day(), st)
	h, mi := m.clock()
	b = append(b, ' ')
	if st == dateExcel {
		b = strconv.AppendInt(b, int64(h), 10)
	} else {
		b = append2(b, h)
	}
	b = append(b, ':')
	b = append2(b, mi)
	if st == dateISOSeconds {
		b = append(b, ":00"...)
	}
	return b
}
