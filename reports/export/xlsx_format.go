package export

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/money"
)

const (
	headerFill    = "DDEBF7" // a pale blue that prints well in grey
	twoLineHeight = 30       // points: two lines of the default 11 pt font
	maxAutoWidth  = 50       // a default width never exceeds this
	filterButton  = 3        // characters the AutoFilter arrow covers
)

// xlsxStyles holds the style IDs of a workbook. They are created once, up
// front: a cell without a style ID that holds a time.Time makes excelize
// create a style for that cell.
type xlsxStyles struct {
	header int   // bold on a fill, wrapped, with a rule below
	label  int   // bold, for the summary's labels
	wrap   int   // wrapped text, for the About sheet's explanations
	cols   []int // per column: the kind's number format; 0 for text
}

func newXLSXStyles(f *excelize.File, cols []Column, cur money.Currency) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{headerFill}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
	}); err != nil {
		return s, fmt.Errorf("export: xlsx: header style: %w", err)
	}
	if s.label, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return s, fmt.Errorf("export: xlsx: label style: %w", err)
	}
	if s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return s, fmt.Errorf("export: xlsx: wrap style: %w", err)
	}
	s.cols = make([]int, len(cols))
	for i, c := range cols {
		if s.cols[i], err = kindStyle(f, c.Kind, cur); err != nil {
			return s, fmt.Errorf("export: xlsx: column %q style: %w", c.Key, err)
		}
	}
	return s, nil
}

// kindStyle returns the style with k's number format, or 0 for text kinds;
// money in cur. excelize returns the existing ID for a style it already
// has, so kinds that share a format share a style.
func kindStyle(f *excelize.File, k ColumnKind, cur money.Currency) (int, error) {
	ki, _ := k.info()
	if k == Money {
		ki.custom = cur.ExcelFormat()
	}
	switch {
	case ki.custom != "":
		custom := ki.custom
		return f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	case ki.numFmt != 0:
		return f.NewStyle(&excelize.Style{NumFmt: ki.numFmt})
	}
	return 0, nil
}

// columnWidth is c.Width, or its kind's default widened to fit the longest
// line of its header and the filter arrow.
func columnWidth(c Column) float64 {
	if c.Width > 0 {
		return min(c.Width, excelize.MaxColumnWidth)
	}
	ki, _ := c.Kind.info()
	width := ki.width
	for line := range strings.SplitSeq(c.title(), "\n") {
		width = max(width, float64(displayWidth(line)+filterButton))
	}
	return min(width, maxAutoWidth)
}

// displayWidth counts a wide (CJK, full-width) character as two columns, as
// Excel's default fonts draw them.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) ||
			(r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
			(r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
			(r >= 0xFFE0 && r <= 0xFFE6) || r >= 0x20000) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// utf16Len is the length of s as Excel counts it, in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// excelTime is the cell value for t: its wall clock (in its own location) as
// an Excel serial date, the date alone when dateOnly. Computing the serial
// here is a plain float cell for excelize, several times cheaper than its
// time.Time path. Serials before 1900-03-01 carry Excel's 1900 leap-year bug
// and years past 9999 do not exist in Excel, so those few are left to
// excelize as a time.Time.
func excelTime(t time.Time, dateOnly bool) any {
	y, m, d := t.Date()
	if dateOnly {
		t = time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	}
	if y < 1900 || (y == 1900 && m < time.March) || y > 9999 {
		return t
	}
	hh, mm, ss := t.Clock()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	const unixEpochSerial = 25569 // 1970-01-01
	serial := float64(days + unixEpochSerial)
	if secs := hh*3600 + mm*60 + ss; secs > 0 { // whole seconds: the formats show minutes
		// excelize truncates a float to 15 significant digits, which can put
		// 14:30 a few microseconds before it, and LibreOffice's hh:mm then
		// shows 14:29. 1e-9 of a day (86 µs) more outweighs the truncation
		// and stays invisible in every time format.
		serial += float64(secs)/86400 + 1e-9
	}
	return serial
}
