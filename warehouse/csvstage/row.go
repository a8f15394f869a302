package csvstage

import (
	"math"
	"strconv"
	"time"
)

// Row builds one line of the staging CSV that DuckDB's own reader loads.
// Empty unquoted fields are NULL; timestamps carry their offset, so nothing
// depends on a zone setting; strings are quoted only when they must be.
type Row struct {
	buf []byte
	n   int // fields written on this line
}

func (c *Row) sep() {
	if c.n > 0 {
		c.buf = append(c.buf, ',')
	}
	c.n++
}

// Str writes s; "" is NULL.
func (c *Row) Str(s string) {
	c.sep()
	if s == "" {
		return
	}
	if !needsQuotes(s) {
		c.buf = append(c.buf, s...)
		return
	}
	c.buf = append(c.buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			c.buf = append(c.buf, '"')
		}
		c.buf = append(c.buf, s[i])
	}
	c.buf = append(c.buf, '"')
}

// Null writes an empty field: NULL.
func (c *Row) Null() { c.sep() }

// Int writes n.
func (c *Row) Int(n int64) {
	c.sep()
	c.buf = strconv.AppendInt(c.buf, n, 10)
}

// IntPtr writes *n, or NULL when n is nil.
func (c *Row) IntPtr(n *int) {
	if n == nil {
		c.Null()
		return
	}
	c.Int(int64(*n))
}

// Int64Ptr writes *n, or NULL when n is nil.
func (c *Row) Int64Ptr(n *int64) {
	if n == nil {
		c.Null()
		return
	}
	c.Int(*n)
}

// Bool writes b as true or false.
func (c *Row) Bool(b bool) {
	c.sep()
	c.buf = strconv.AppendBool(c.buf, b)
}

// BoolPtr writes *b, or NULL when b is nil.
func (c *Row) BoolPtr(b *bool) {
	if b == nil {
		c.Null()
		return
	}
	c.Bool(*b)
}

// Timestamp writes an instant with its offset, to the microsecond, as
// 2006-01-02 15:04:05.000000+08:00. Written by hand: time's own formatter
// re-parses its layout on every call, and this runs twice per stay.
func (c *Row) Timestamp(t time.Time) {
	c.sep()
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	_, off := t.Zone()
	b := c.buf
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, ' ')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		b = appendDigits(b, us, 6)
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = appendDigits(b, off/3600, 2)
	b = append(b, ':')
	b = appendDigits(b, off%3600/60, 2)
	c.buf = b
}

// appendDigits appends n zero-padded to width digits (n ≥ 0).
func appendDigits(b []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n > 0 || i > len(tmp)-width {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[i:]...)
}

// needsQuotes reports whether s holds a comma, quote or line break.
func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// TimePtr writes *t as Timestamp does, or NULL when t is nil.
func (c *Row) TimePtr(t *time.Time) {
	if t == nil {
		c.Null()
		return
	}
	c.Timestamp(*t)
}

// Date writes the calendar day t falls on in its own location (the hotel's).
func (c *Row) Date(t *time.Time) {
	if t == nil {
		c.Null()
		return
	}
	c.sep()
	c.buf = t.AppendFormat(c.buf, "2006-01-02")
}

// End finishes the line.
func (c *Row) End() {
	c.buf = append(c.buf, '\n')
	c.n = 0
}

// Float writes f in the shortest form that reads back exactly.
func (c *Row) Float(f float64) {
	c.sep()
	c.buf = strconv.AppendFloat(c.buf, f, 'g', -1, 64)
}

// FloatPtr writes f, or NULL when it is nil or not a finite number.
func (c *Row) FloatPtr(f *float64) {
	if f == nil || math.IsNaN(*f) || math.IsInf(*f, 0) {
		c.Null()
		return
	}
	c.Float(*f)
}

// Reset empties the row for the next line.
func (c *Row) Reset() {
	c.buf = c.buf[:0]
	c.n = 0
}

// Bytes is the line written so far.
func (c *Row) Bytes() []byte { return c.buf }
