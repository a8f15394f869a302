package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// utf8BOM makes Excel read the file as UTF-8; without it Excel on a Chinese
// Windows decodes the bytes as GBK and every name turns to mojibake.
const utf8BOM = "\uFEFF"

// WriteCSV writes t and rows to w as CSV for spreadsheets and programs:
// UTF-8 with a byte-order mark, a header row of column keys, RFC 4180
// quoting and CRLF line ends. Numbers keep their full precision (a Percent
// is the fraction, 0.125); a Date is 2006-01-02 and a DateTime
// 2006-01-02 15:04:05 in the value's own location, forms Excel and DuckDB
// both read as dates. Every string passes through SafeCell, since a CSV
// opened in Excel is the classic way a formula gets injected, and Mobile
// columns are masked unless t.Unmasked. It returns the number of data rows
// written; on error, w may hold the rows before the failing one.
func WriteCSV(ctx context.Context, w io.Writer, t Table, rows Rows) (n int, err error) {
	if err := t.validate(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	record := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		record[i] = c.Key
	}
	line := appendCSVRecord([]byte(utf8BOM), record)
	_, _ = bw.Write(line) // bufio keeps the first error for Flush to report
	n, err = each(ctx, t, rows, func(vals []value) error {
		for i, v := range vals {
			record[i] = csvField(t, t.Columns[i], v)
		}
		line = appendCSVRecord(line[:0], record)
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
		return nil
	})
	if ferr := bw.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("export: csv: %w", ferr)
	}
	return n, err
}

// appendCSVRecord appends one RFC 4180 record ending in CRLF. A field is
// quoted when it holds a comma, a quote or a line break, or starts with a
// space or tab that a lenient reader would trim; inside quotes every byte
// is kept as it is (encoding/csv's writer would drop a lone CR with
// UseCRLF). A record of one empty field is written as "" so that readers do
// not skip it as a blank line.
func appendCSVRecord(b []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		needsQuotes := strings.ContainsAny(f, ",\"\r\n") ||
			(f != "" && (f[0] == ' ' || f[0] == '\t')) ||
			(f == "" && len(fields) == 1)
		if !needsQuotes {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			b = append(b, f[:j+1]...)
			b = append(b, '"')
			f = f[j+1:]
		}
		b = append(b, f...)
		b = append(b, '"')
	}
	return append(b, '\r', '\n')
}

// csvField formats one value of column c.
func csvField(t Table, c Column, v value) string {
	switch v.typ {
	case vString:
		return t.text(c, v.s, true)
	case vInt:
		return strconv.FormatInt(v.i, 10)
	case vFloat:
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	case vTime:
		if c.Kind == Date {
			return v.t.Format(time.DateOnly)
		}
		return v.t.Format(time.DateTime)
	}
	return ""
}
