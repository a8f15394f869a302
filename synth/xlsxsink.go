package synth

import (
	"fmt"
	"os"

	"github.com/xuri/excelize/v2"
)

// xlsxSink streams one sheet with excelize's StreamWriter: styles are made
// once up front (a time value without a style would get a style per cell),
// column widths are set before the first row, rows go in ascending order.
type xlsxSink struct {
	path  string
	file  *excelize.File
	sw    *excelize.StreamWriter
	st    valueStyle
	next  int
	cells []any
	buf   []byte

	dateTimeStyle, dateStyle, moneyStyle, headStyle int
}

// newXLSXSink opens a workbook with one sheet; exported is when the PMS wrote
// it, recorded in the document properties.
func newXLSXSink(path, sheet string, ncols int, st valueStyle, exported minute) (*xlsxSink, error) {
	f := excelize.NewFile()
	x := &xlsxSink{path: path, file: f, st: st, next: 1}
	fail := func(err error) (*xlsxSink, error) {
		_ = f.Close()
		return nil, fmt.Errorf("xlsx %s: %w", path, err)
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	stamp := string(appendMinute(nil, exported, dateISO))
	stamp = stamp[:10] + "T" + stamp[11:] + ":00Z"
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "泰能PMS", LastModifiedBy: "泰能PMS", Created: stamp, Modified: stamp}); err != nil {
		return fail(err)
	}
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&x.dateTimeStyle, &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")}},
		{&x.dateStyle, &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&x.moneyStyle, &excelize.Style{NumFmt: 4}}, // #,##0.00
		{&x.headStyle, &excelize.Style{Font: &excelize.Font{Bold: true}}},
	}
	for _, s := range styles {
		id, err := f.NewStyle(s.s)
		if err != nil {
			return fail(err)
		}
		*s.id = id
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	if err := sw.SetColWidth(1, max(1, ncols), 16); err != nil {
		return fail(err)
	}
	x.sw = sw
	return x, nil
}

func ptr[T any](v T) *T { return &v }

func (x *xlsxSink) header(labels []string) error {
	x.cells = x.cells[:0]
	for _, l := range labels {
		x.cells = append(x.cells, excelize.Cell{StyleID: x.headStyle, Value: l})
	}
	return x.put()
}

func (x *xlsxSink) row(rec []val, cols []int) error {
	x.cells = x.cells[:0]
	for _, ci := range cols {
		x.cells = append(x.cells, x.cell(rec[ci]))
	}
	return x.put()
}

// cell is v as Excel holds it: real dates and numbers where the file's style
// says so, text otherwise.
func (x *xlsxSink) cell(v val) any {
	switch {
	case v.k == vNone:
		return nil
	case v.k == vTime && x.st.realDates:
		return excelize.Cell{StyleID: x.dateTimeStyle, Value: minute(v.n).excelSerial()}
	case v.k == vDay && x.st.realDates:
		return excelize.Cell{StyleID: x.dateStyle, Value: float64(v.n) + excelEpochOffset}
	case v.k == vMoney && x.st.numbers:
		return excelize.Cell{StyleID: x.moneyStyle, Value: float64(v.n) / 100}
	case v.k == vInt:
		return v.n
	}
	x.buf = appendVal(x.buf[:0], v, &x.st)
	return string(x.buf)
}

func (x *xlsxSink) put() error {
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return err
	}
	x.next++
	return x.sw.SetRow(cell, x.cells)
}

// close writes the workbook through an ordinary file (SaveAs would create it
// executable) and removes excelize's temporary files.
func (x *xlsxSink) close() error {
	err := x.sw.Flush()
	if err == nil {
		err = x.save()
	}
	if e := x.file.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("xlsx %s: %w", x.path, err)
	}
	return nil
}

func (x *xlsxSink) save() error {
	out, err := os.Create(x.path)
	if err != nil {
		return err
	}
	if err := x.file.Write(out); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
