package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes t and rows to w as an Excel workbook for people. Rows go
// through excelize's StreamWriter, which keeps 16 MiB of sheet XML in memory
// and the rest in a temporary file; the workbook is then zipped straight into
// w (see writeWorkbook), so memory stays flat however many rows there are.
//
// The data sheet, named t.Name, starts with one header row — each cell
// "中文\nEnglish", bold on a fill, wrapped — frozen in place, repeated on
// every printed page, and under an AutoFilter spanning the written rows.
// Every value gets its kind's explicit number format (see ColumnKind); dates
// are real Excel dates. Sheets print landscape, one page wide. A sheet holds
// 1,048,576 rows including its header; rows past that continue on sheets
// named "<t.Name> (2)", "<t.Name> (3)"… with the same header, so a large
// export is complete rather than refused, and the summary says so. Then come
// "摘要 Summary", with t.Summary followed by the row count, the data sheets
// and the masking in force, and "说明 About", describing every column.
//
// Every string cell passes through SafeCell: excelize never writes a string
// as a formula, but a user who edits the cell makes Excel parse it again.
// Mobile columns are masked unless t.Unmasked. ctx is checked every 1,000
// rows. Nothing is written to w until every row is in (a zip needs all its
// parts), so an error in the rows leaves w untouched; one while zipping
// leaves part of a zip. excelize's temporary files are removed either way.
// It returns the number of data rows.
func WriteXLSX(ctx context.Context, w io.Writer, t Table, rows Rows) (n int, err error) {
	return writeXLSX(ctx, w, t, rows, excelize.TotalRows)
}

// writeXLSX is WriteXLSX with the rows per sheet (header included) as a
// parameter, so tests can cross a sheet boundary without a million rows.
func writeXLSX(ctx context.Context, w io.Writer, t Table, rows Rows, sheetRows int) (n int, err error) {
	if err := t.validate(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("export: xlsx: removing temporary files: %w", cerr)
		}
	}()
	x, err := newXLSXWriter(f, t, sheetRows)
	if err != nil {
		return 0, err
	}
	if err := x.startSheet(); err != nil {
		return 0, err
	}
	n, err = each(ctx, t, rows, x.writeRow)
	if err != nil {
		return n, err
	}
	if err := x.finishSheet(); err != nil {
		return n, err
	}
	if err := x.writeSummary(n); err != nil {
		return n, err
	}
	if err := x.writeAbout(); err != nil {
		return n, err
	}
	if err := ctx.Err(); err != nil { // zipping a large file takes seconds
		return n, err
	}
	f.SetActiveSheet(0)
	if err := writeWorkbook(f, w); err != nil {
		return n, fmt.Errorf("export: xlsx: writing workbook: %w", err)
	}
	return n, nil
}

// writeWorkbook zips f straight into w. excelize's Write assembles the whole
// zip in a bytes.Buffer first — 190 MB for a million guests, twice that
// while the buffer grows — so its zip writer is pointed at w instead, and
// the buffer it returns stays empty. What that skips is excelize's patch of
// the local headers of a part over 4 GiB (zip64, for Excel); a sheet here
// stops at 1,048,576 rows, far below that, and a part that would pass it
// is refused rather than written in a form Excel might not open.
func writeWorkbook(f *excelize.File, w io.Writer) error {
	zw := &directZip{zw: zip.NewWriter(w)}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	buf, err := f.WriteToBuffer()
	if err == nil && buf.Len() > 0 {
		err = fmt.Errorf("excelize wrote %d bytes around the zip writer", buf.Len())
	}
	if err == nil {
		err = zw.err
	}
	return err
}

// maxPart is the largest part written: past 4 GiB a part needs zip64 in
// its local header, which writeWorkbook does not patch in.
var maxPart int64 = math.MaxUint32

// directZip is a zip writer on the destination that refuses a part over
// maxPart.
type directZip struct {
	zw  *zip.Writer
	err error
}

func (d *directZip) Create(name string) (io.Writer, error) {
	fw, err := d.zw.Create(name)
	if err != nil {
		return nil, err
	}
	return &partWriter{w: fw, name: name, zip: d}, nil
}

func (d *directZip) AddFS(fsys fs.FS) error { return d.zw.AddFS(fsys) }
func (d *directZip) Close() error           { return d.zw.Close() }

type partWriter struct {
	w    io.Writer
	name string
	n    int64
	zip  *directZip
}

func (p *partWriter) Write(b []byte) (int, error) {
	if p.n += int64(len(b)); p.n > maxPart {
		p.zip.err = fmt.Errorf("part %s passes 4 GiB: Excel could not open it", p.name)
		return 0, p.zip.err
	}
	return p.w.Write(b)
}

// xlsxWriter streams the data rows of one table into one or more sheets.
type xlsxWriter struct {
	f         *excelize.File
	t         Table
	maxRows   int // rows per sheet, header included
	styles    xlsxStyles
	widths    []float64
	header    []any
	headerH   float64 // header row height, 0 for the default
	lastCol   string  // column letter of the last column, for the filter range
	sheets    []string
	sw        *excelize.StreamWriter
	sheetRows int // rows written to the current sheet, header included

	// Reused for every row: SetRow accepts *Cell, and pointing into one
	// array saves boxing a Cell per value.
	row   []any
	cells []excelize.Cell

	vals   []value        // the row being written, for RowLabel
	column map[string]int // a column's index by key, for RowLabel
}

func newXLSXWriter(f *excelize.File, t Table, maxRows int) (*xlsxWriter, error) {
	name := t.sheetName()
	for _, reserved := range []string{summarySheetName, aboutSheetName} {
		if strings.EqualFold(name, reserved) {
			return nil, fmt.Errorf("export: xlsx: sheet name %q is taken by the %s sheet", name, reserved)
		}
	}
	if strings.Contains(name, "'") {
		// excelize quotes the sheet name in the filter's defined name
		// without doubling an apostrophe, which Excel then cannot parse.
		return nil, fmt.Errorf("export: xlsx: sheet name %q has an apostrophe, which the filter reference cannot hold", name)
	}
	styles, err := newXLSXStyles(f, t.Columns, t.Currency)
	if err != nil {
		return nil, err
	}
	x := &xlsxWriter{
		f:       f,
		t:       t,
		maxRows: maxRows,
		styles:  styles,
		widths:  make([]float64, len(t.Columns)),
		header:  make([]any, len(t.Columns)),
		row:     make([]any, len(t.Columns)),
		cells:   make([]excelize.Cell, len(t.Columns)),
		column:  make(map[string]int, len(t.Columns)),
	}
	for i, c := range t.Columns {
		x.column[c.Key] = i
	}
	x.lastCol, err = excelize.ColumnNumberToName(len(t.Columns))
	if err != nil {
		return nil, fmt.Errorf("export: xlsx: %d columns: %w", len(t.Columns), err)
	}
	for i, c := range t.Columns {
		x.widths[i] = columnWidth(c)
		x.header[i] = excelize.Cell{StyleID: styles.header, Value: SafeCell(c.title())}
		if strings.Contains(c.title(), "\n") {
			x.headerH = twoLineHeight
		}
	}
	return x, nil
}

// startSheet adds the next data sheet and writes its header. Widths and
// panes must be set before the first row, or excelize refuses them.
func (x *xlsxWriter) startSheet() error {
	name := continuationName(x.t.sheetName(), len(x.sheets)+1)
	var err error
	if len(x.sheets) == 0 {
		err = x.f.SetSheetName(x.f.GetSheetName(0), name)
	} else {
		_, err = x.f.NewSheet(name)
	}
	if err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	x.sheets = append(x.sheets, name)
	if err := setPrintLayout(x.f, name, true); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q print layout: %w", name, err)
	}
	if x.sw, err = x.f.NewStreamWriter(name); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	if err := setColWidths(x.sw, x.widths); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	if err := x.sw.SetPanes(frozenHeader()); err != nil {
		return fmt.Errorf("export: xlsx: freezing the header: %w", err)
	}
	if err := x.sw.SetRow("A1", x.header, excelize.RowOpts{Height: x.headerH}); err != nil {
		return fmt.Errorf("export: xlsx: header: %w", err)
	}
	x.sheetRows = 1
	return nil
}

// finishSheet puts the AutoFilter over the header and the rows below it and
// ends the current sheet's stream. The filter is stored in the worksheet
// part that Flush writes, so it must be set before Flush.
func (x *xlsxWriter) finishSheet() error {
	name := x.sheets[len(x.sheets)-1]
	ref := "A1:" + x.lastCol + strconv.Itoa(x.sheetRows)
	if err := x.f.AutoFilter(name, ref, nil); err != nil {
		return fmt.Errorf("export: xlsx: filter on %q: %w", name, err)
	}
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx: finishing sheet %q: %w", name, err)
	}
	return nil
}

// writeRow writes one data row, moving to a new sheet when this one is full.
func (x *xlsxWriter) writeRow(vals []value) error {
	if x.sheetRows >= x.maxRows {
		if err := x.finishSheet(); err != nil {
			return err
		}
		if err := x.startSheet(); err != nil {
			return err
		}
	}
	x.vals = vals
	for i, v := range vals {
		x.row[i] = x.cell(i, v)
	}
	x.sheetRows++
	if err := x.sw.SetRow("A"+strconv.Itoa(x.sheetRows), x.row); err != nil {
		return fmt.Errorf("export: xlsx: row %d of sheet %q: %w", x.sheetRows, x.sheets[len(x.sheets)-1], err)
	}
	return nil
}

// textOf is the text of the current row's column key, "" when there is no
// such column or its value is not text.
func (x *xlsxWriter) textOf(key string) string {
	if i, ok := x.column[key]; ok && i < len(x.vals) && x.vals[i].typ == vString {
		return x.vals[i].s
	}
	return ""
}

// cell is what SetRow gets for value v of column i: nil for an empty cell, a
// plain string for text (no style, so no s attribute), and a styled Cell for
// numbers and dates.
func (x *xlsxWriter) cell(i int, v value) any {
	c := x.t.Columns[i]
	switch v.typ {
	case vString:
		if c.Label != nil {
			return SafeCell(c.Label(v.s)) // for people: the code's words
		}
		if c.RowLabel != nil {
			return SafeCell(c.RowLabel(v.s, x.textOf))
		}
		return x.t.text(c, v.s, true)
	case vInt:
		x.cells[i] = excelize.Cell{StyleID: x.styles.cols[i], Value: v.i}
	case vFloat:
		x.cells[i] = excelize.Cell{StyleID: x.styles.cols[i], Value: v.f}
	case vTime:
		x.cells[i] = excelize.Cell{StyleID: x.styles.cols[i], Value: excelTime(v.t, c.Kind == Date)}
	default:
		return nil
	}
	return &x.cells[i]
}

// continuationName is the name of the k-th data sheet: base, then
// "base (2)"…, with base shortened to keep Excel's 31-character limit.
func continuationName(base string, k int) string {
	if k == 1 {
		return base
	}
	suffix := " (" + strconv.Itoa(k) + ")"
	r := []rune(base)
	for utf16Len(string(r))+len(suffix) > excelize.MaxSheetNameLength {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + suffix
}

// setColWidths sets the width of each column. excelize puts each new <col>
// before the ones it has, and Excel wants them in ascending order, so the
// last column goes first.
func setColWidths(sw *excelize.StreamWriter, widths []float64) error {
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return fmt.Errorf("column %d width: %w", i+1, err)
		}
	}
	return nil
}

// setPrintLayout makes a printed sheet landscape and one page wide, with
// the header row on every page if repeatHeader. The sheet properties are
// written when the stream starts, so this comes before NewStreamWriter.
func setPrintLayout(f *excelize.File, sheet string, repeatHeader bool) error {
	fit, wide, tall, landscape := true, 1, 0, "landscape" // 0 pages tall: as many as needed
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if !repeatHeader {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: "'" + sheet + "'!$1:$1", // sheet has no apostrophe
		Scope:    sheet,
	})
}

// frozenHeader freezes the first row so it stays on screen while scrolling.
func frozenHeader() *excelize.Panes {
	return &excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}
}
