package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// WriteJSON writes t and rows to w as one JSON array of objects, one object
// per line, keyed by Column.Key in column order. Each row is encoded and
// handed to a buffered writer as it arrives, so memory does not grow with
// the row count. Empty cells are null; numbers keep full precision; a Date
// is "2006-01-02" and a DateTime is RFC 3339 with its offset.
//
// Strings are written as stored, without SafeCell: JSON is read by programs,
// which never evaluate a cell as a formula, and an apostrophe added for Excel
// would corrupt the data they compare and store. Mobile columns are still
// masked unless t.Unmasked, since a JSON file can be forwarded as easily as
// a spreadsheet. It returns the number of rows written; on error, w holds an
// unterminated array.
func WriteJSON(ctx context.Context, w io.Writer, t Table, rows Rows) (n int, err error) {
	if err := t.validate(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	keys := make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		keys[i] = appendJSONString(nil, c.Key)
		keys[i] = append(keys[i], ':')
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	_, _ = bw.WriteString("[") // bufio keeps the first error for Flush to report
	open := "\n{"              // then ",\n{" before every later object
	var line []byte
	n, err = each(ctx, t, rows, func(vals []value) error {
		line = append(line[:0], open...)
		open = ",\n{"
		for i, v := range vals {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, keys[i]...)
			line = appendJSONValue(line, t, t.Columns[i], v)
		}
		line = append(line, '}')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("export: json: %w", err)
		}
		return nil
	})
	if err != nil {
		_ = bw.Flush()
		return n, err
	}
	if n > 0 {
		_, _ = bw.WriteString("\n")
	}
	_, _ = bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export: json: %w", err)
	}
	return n, nil
}

// appendJSONValue appends one value of column c.
func appendJSONValue(b []byte, t Table, c Column, v value) []byte {
	switch v.typ {
	case vString:
		return appendJSONString(b, t.text(c, v.s, false))
	case vInt:
		return strconv.AppendInt(b, v.i, 10)
	case vFloat:
		return appendJSONFloat(b, v.f)
	case vTime:
		b = append(b, '"')
		if c.Kind == Date {
			b = v.t.AppendFormat(b, time.DateOnly)
		} else {
			b = v.t.AppendFormat(b, time.RFC3339)
		}
		return append(b, '"')
	}
	return append(b, "null"...)
}

// appendJSONFloat appends f as encoding/json does: plain decimals for
// ordinary magnitudes, an exponent for very large or small ones. f is finite
// (normalisation turned NaN and ±Inf into empty values).
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // 1e-07 → 1e-7
		b = b[:n-1]
	}
	return b
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does, and U+2028/U+2029 are escaped so the output is also
// safe inside JavaScript.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
