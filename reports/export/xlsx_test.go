package export

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/money"
)

const targets = "回访名单 Targets"

func TestWriteXLSXCells(t *testing.T) {
	f := writeXLSXFile(t, guestTable(), sliceRows(
		[]any{"G0000001", "王芳", "+8613812345678", 3, 12.346, 1234.5, 0.125, 0.8765,
			time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2025, 3, 9, 14, 30, 0, 0, shanghai), "champions", int64(7)},
		[]any{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	))
	const (
		text   = "text"
		number = "number"
		date   = "date"
	)
	tests := []struct {
		ref, kind, shown, raw, format string
	}{
		{"A2", text, "G0000001", "G0000001", ""},
		{"B2", text, "王芳", "王芳", ""},
		{"C2", text, "138****5678", "138****5678", ""},
		{"D2", number, "3", "3", "0"},
		{"E2", number, "12.35", "12.346", "0.00"},
		{"F2", number, "¥1,234.50", "1234.5", `"¥"#,##0.00`},
		{"G2", number, "12.50%", "0.125", "0.00%"},
		{"H2", number, "0.88", "0.8765", "0.00"},
		{"I2", date, "2025-01-01", "45658", "yyyy-mm-dd"},
		{"J2", date, "2025-03-09 14:30", "", "yyyy-mm-dd hh:mm"},
		{"K2", text, "champions", "champions", ""},
		{"L2", number, "7", "7", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			typ, err := f.GetCellType(targets, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := f.GetCellValue(targets, tc.ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := cellValue(t, f, targets, tc.ref); got != tc.shown {
				t.Errorf("shown as %q, want %q", got, tc.shown)
			}
			if tc.raw != "" && raw != tc.raw {
				t.Errorf("raw value %q, want %q", raw, tc.raw)
			}
			switch tc.kind {
			case text:
				if typ != excelize.CellTypeInlineString {
					t.Errorf("cell type %v, want a string", typ)
				}
			case number, date:
				// A number cell has no t attribute, which excelize reads as unset.
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("cell type %v, want a number", typ)
				}
				if _, err := strconv.ParseFloat(raw, 64); err != nil {
					t.Errorf("raw value %q is not a number", raw)
				}
			}
			if got := numberFormat(t, f, targets, tc.ref); got != tc.format {
				t.Errorf("number format %q, want %q", got, tc.format)
			}
			if tc.kind == date {
				serial, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					t.Fatal(err)
				}
				got, err := excelize.ExcelDateToTime(serial, false)
				if err != nil {
					t.Fatal(err)
				}
				if want := map[string]string{"I2": "2025-01-01 00:00", "J2": "2025-03-09 14:30"}[tc.ref]; got.Format("2006-01-02 15:04") != want {
					t.Errorf("serial %v is %v, want %s", serial, got, want)
				}
			}
		})
	}
	t.Run("nil values are empty cells", func(t *testing.T) {
		xml := sheetXML(t, f, 1)
		if !strings.Contains(xml, `<row r="3"></row>`) {
			t.Errorf("row 3 of nils has cells: %s", between(xml, `<row r="3"`, `</row>`))
		}
	})
}

func TestWriteXLSXLayout(t *testing.T) {
	f := writeXLSXFile(t, guestTable(), guestRows(2))
	if got, want := f.GetSheetList(), []string{targets, "摘要 Summary", "说明 About"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet %d, want the data sheet", got)
	}
	for i, c := range guestColumns() {
		ref, err := excelize.CoordinatesToCellName(i+1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cellValue(t, f, targets, ref), c.TitleZH+"\n"+c.TitleEN; got != want {
			t.Errorf("header %s = %q, want %q", ref, got, want)
		}
		id, _ := f.GetCellStyle(targets, ref)
		st, _ := f.GetStyle(id)
		if st.Font == nil || !st.Font.Bold || st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 || st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("header %s style %+v, want bold, filled and wrapped", ref, st)
		}
	}
	panes, err := f.GetPanes(targets)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, want the first row frozen", panes)
	}
	if got := filterRange(t, f, targets); got != "A1:L3" {
		t.Errorf("autofilter over %q, want A1:L3", got)
	}
	layout, err := f.GetPageLayout(targets)
	if err != nil {
		t.Fatal(err)
	}
	props, _ := f.GetSheetProps(targets)
	if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 ||
		props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("print layout %+v, fit to page %v: want landscape, one page wide", layout, props.FitToPage)
	}
	var printTitles string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == targets {
			printTitles = d.RefersTo
		}
	}
	if printTitles != "'"+targets+"'!$1:$1" {
		t.Errorf("print titles %q, want the header row on every page", printTitles)
	}
	var mins []int
	for _, m := range strings.Split(sheetXML(t, f, 1), `<col min="`)[1:] {
		n, err := strconv.Atoi(m[:strings.IndexByte(m, '"')])
		if err != nil {
			t.Fatal(err)
		}
		mins = append(mins, n)
	}
	if !slices.IsSorted(mins) || len(mins) != 12 {
		t.Errorf("<col> elements by min %v, want 1…12 in order", mins)
	}
	widths := []struct {
		col  string
		want float64
	}{
		{"A", 16}, // text default
		{"C", 14}, // mobile default
		{"D", 11}, // widened to "入住次数" and the filter arrow
		{"E", 17}, // widened to "Expected value" and the filter arrow
		{"I", 16}, // widened to "Last checkout"
		{"J", 17}, // date-time default
		{"K", 22}, // explicit
	}
	for _, w := range widths {
		if got, _ := f.GetColWidth(targets, w.col); got != w.want {
			t.Errorf("column %s width %v, want %v", w.col, got, w.want)
		}
	}
}

func TestWriteXLSXSummaryAndAbout(t *testing.T) {
	tbl := guestTable()
	tbl.Summary = append(tbl.Summary, [2]string{"备注 / Note", `=HYPERLINK("http://x","y")`})
	f := writeXLSXFile(t, tbl, guestRows(5))
	summary, err := f.GetRows("摘要 Summary")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"截至 / As of", "2025-06-30"},
		{"筛选 / Filter", "'-30 天未入住"},
		{"备注 / Note", `'=HYPERLINK("http://x","y")`},
		{"导出行数 / Rows exported", "5"},
		{"数据工作表 / Data sheets", targets},
		{"手机号 / Mobile numbers", "已脱敏，如 138****5678 / Masked, e.g. 138****5678"},
	}
	if !equalRows(summary, want) {
		t.Errorf("summary\n got %q\nwant %q", summary, want)
	}
	if typ, err := f.GetCellType("摘要 Summary", "B4"); err != nil || typ != excelize.CellTypeUnset {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("row count cell type %v, want a number", typ)
	}

	about, err := f.GetRows("说明 About")
	if err != nil {
		t.Fatal(err)
	}
	wantAbout := [][]string{{"字段\nKey", "中文标题\nChinese title", "英文标题\nEnglish title", "类型\nKind", "说明\nAbout"}}
	for _, c := range guestColumns() {
		ki, _ := c.Kind.info()
		wantAbout = append(wantAbout, []string{c.Key, c.TitleZH, c.TitleEN, ki.zh + " " + ki.name, c.Explain})
	}
	if !equalRows(about, wantAbout) {
		t.Errorf("about\n got %q\nwant %q", about, wantAbout)
	}
}

func TestWriteXLSXSheetLimit(t *testing.T) {
	tests := []struct {
		name       string
		rows       int
		wantSheets []string
		wantRows   []int // data rows per sheet
	}{
		{"empty", 0, []string{targets}, []int{0}},
		{"exactly full", 3, []string{targets}, []int{3}},
		{"one over", 4, []string{targets, targets + " (2)"}, []int{3, 1}},
		{"three sheets", 7, []string{targets, targets + " (2)", targets + " (3)"}, []int{3, 3, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			// 4 rows per sheet: the header and three data rows.
			n, err := writeXLSX(context.Background(), &buf, guestTable(), guestRows(tc.rows), 4)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.rows {
				t.Errorf("n = %d, want %d", n, tc.rows)
			}
			f := openXLSX(t, buf.Bytes())
			sheets := f.GetSheetList()
			if got, want := strings.Join(sheets, "|"), strings.Join(append(tc.wantSheets, "摘要 Summary", "说明 About"), "|"); got != want {
				t.Fatalf("sheets %q, want %q", got, want)
			}
			next := 0 // guest number expected next
			for i, sheet := range tc.wantSheets {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != tc.wantRows[i]+1 {
					t.Fatalf("%s has %d rows, want a header and %d", sheet, len(rows), tc.wantRows[i])
				}
				if rows[0][0] != "客人编号\nGuest ID" {
					t.Errorf("%s header %q", sheet, rows[0][0])
				}
				for _, r := range rows[1:] {
					if want := guestRow(next)[0]; r[0] != want {
						t.Errorf("%s: guest %q, want %q", sheet, r[0], want)
					}
					next++
				}
				if p, _ := f.GetPanes(sheet); !p.Freeze || p.YSplit != 1 {
					t.Errorf("%s: header not frozen: %+v", sheet, p)
				}
				if got, want := filterRange(t, f, sheet), "A1:L"+strconv.Itoa(tc.wantRows[i]+1); got != want {
					t.Errorf("%s: filter %q, want %q", sheet, got, want)
				}
			}
			if got := cellValue(t, f, "摘要 Summary", "B4"); got != strings.Join(tc.wantSheets, ", ") {
				t.Errorf("summary lists sheets %q", got)
			}
		})
	}
}

func TestContinuationName(t *testing.T) {
	tests := []struct {
		base string
		k    int
		want string
	}{
		{"Targets", 1, "Targets"},
		{"Targets", 2, "Targets (2)"},
		{"回访名单 Targets", 12, "回访名单 Targets (12)"},
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", 2, "一二三四五六七八九十一二三四五六七八九十一二三四五六七 (2)"},
		{"abcdefghijklmnopqrstuvwxyz abcd", 3, "abcdefghijklmnopqrstuvwxyz (3)"},
	}
	for _, tc := range tests {
		got := continuationName(tc.base, tc.k)
		if got != tc.want {
			t.Errorf("continuationName(%q, %d) = %q, want %q", tc.base, tc.k, got, tc.want)
		}
		if utf16Len(got) > excelize.MaxSheetNameLength {
			t.Errorf("%q is longer than Excel allows", got)
		}
	}
}

func TestExcelTime(t *testing.T) {
	tests := []struct {
		t        time.Time
		dateOnly bool
		want     any
	}{
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), true, 45658.0},
		{time.Date(2025, 1, 1, 23, 59, 0, 0, shanghai), true, 45658.0},
		{time.Date(2025, 1, 1, 12, 0, 0, 0, shanghai), false, 45658.5 + 1e-9},
		{time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), true, 61.0},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), true, 2958465.0},
		// Before Excel's phantom 1900-02-29: left to excelize.
		{time.Date(1900, 2, 28, 6, 0, 0, 0, time.UTC), true, time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		if got := excelTime(tc.t, tc.dateOnly); got != tc.want {
			t.Errorf("excelTime(%v, %v) = %v, want %v", tc.t, tc.dateOnly, got, tc.want)
		}
	}
	// Every second of a day, as stored (excelize keeps 15 significant
	// digits) and read by a program that truncates to the second, as
	// LibreOffice does for hh:mm, is the second that was written.
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, shanghai)
	for s := 0; s < 24*3600; s++ {
		in := day.Add(time.Duration(s) * time.Second)
		stored := truncate15(excelTime(in, false).(float64))
		fraction := stored - math.Floor(stored)
		if got := int(fraction * 86400); got != s {
			t.Fatalf("%s is stored as %v, which truncates to second %d", in.Format(time.TimeOnly), stored, got)
		}
		back, err := excelize.ExcelDateToTime(stored, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := back.Format(time.DateTime), in.Format(time.DateTime); got != want {
			t.Fatalf("%s reads back as %s", want, got)
		}
	}
}

// truncate15 keeps 15 significant digits of v, as excelize writes a float.
func truncate15(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	digits := 0
	for i, c := range s {
		if c >= '0' && c <= '9' && (digits > 0 || c != '0') {
			if digits++; digits > 15 {
				s = s[:i]
				break
			}
		}
	}
	f, _ := strconv.ParseFloat(strings.TrimSuffix(s, "."), 64)
	return f
}

func TestWriteXLSXNothingWrittenOnError(t *testing.T) {
	var buf bytes.Buffer
	rows := sliceRows(guestRow(0), []any{"too", "short"})
	if _, err := WriteXLSX(context.Background(), &buf, guestTable(), rows); err == nil {
		t.Fatal("want an error for a short row")
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written despite the error", buf.Len())
	}
}

// numberFormat is the cell's number format code as a person sees it in
// Excel's Format Cells dialogue ("" for General).
func numberFormat(t *testing.T, f xlsxFile, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return map[int]string{0: "", 1: "0", 2: "0.00", 10: "0.00%"}[st.NumFmt]
}

// filterRange is the AutoFilter range of sheet, read from the worksheet XML
// and checked against the hidden defined name Excel also needs.
func filterRange(t *testing.T, f xlsxFile, sheet string) string {
	t.Helper()
	idx, err := f.GetSheetIndex(sheet)
	if err != nil {
		t.Fatal(err)
	}
	xml := sheetXML(t, f, idx+1)
	// excelize writes the range as $A$1:$L$3, as the defined name has it.
	ref := strings.ReplaceAll(between(xml, `<autoFilter ref="`, `"`), "$", "")
	var named bool
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet {
			named = true
			if want := "'" + sheet + "'!" + absRef(ref); d.RefersTo != want {
				t.Errorf("filter database %q, want %q", d.RefersTo, want)
			}
		}
	}
	if !named {
		t.Errorf("%s: no _xlnm._FilterDatabase", sheet)
	}
	return ref
}

// sheetXML returns the XML of the n-th worksheet part as written.
func sheetXML(t *testing.T, f xlsxFile, n int) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(f.raw), int64(len(f.raw)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet" + strconv.Itoa(n) + ".xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// absRef turns A1:L3 into $A$1:$L$3.
func absRef(ref string) string {
	var b strings.Builder
	for _, part := range strings.Split(ref, ":") {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		i := strings.IndexAny(part, "0123456789")
		b.WriteString("$" + part[:i] + "$" + part[i:])
	}
	return b.String()
}

func equalRows(got, want [][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
			return false
		}
	}
	return true
}

func TestWriteXLSXRemovesTempFiles(t *testing.T) {
	// 40k rows of XML pass excelize's 16 MiB in-memory chunk, so the sheet
	// spills to a temporary file before the end.
	const rows = 40_000
	tests := []struct {
		name    string
		badLast bool
	}{
		{"success", false},
		{"error after spilling", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("TMPDIR", dir)
			var spilled int
			src := func(yield func([]any) error) error {
				for i := range rows {
					r := guestRow(i)
					if i == rows-1 {
						entries, err := os.ReadDir(dir)
						if err != nil {
							t.Fatal(err)
						}
						spilled = len(entries)
						if tc.badLast {
							r = r[:1]
						}
					}
					if err := yield(r); err != nil {
						return err
					}
				}
				return nil
			}
			_, err := WriteXLSX(context.Background(), io.Discard, guestTable(), src)
			if (err != nil) != tc.badLast {
				t.Fatalf("err = %v", err)
			}
			if spilled == 0 {
				t.Fatal("no temporary file while writing: the test does not exercise the spill")
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("%d temporary files left behind, e.g. %s", len(entries), entries[0].Name())
			}
		})
	}
}

func TestWorkbookIsZippedStraightIntoTheWriterAndRefusesAHugePart(t *testing.T) {
	var buf writeCounter
	n, err := WriteXLSX(context.Background(), &buf, guestTable(), sliceRows(guestRow(1), guestRow(2)))
	if err != nil || n != 2 {
		t.Fatalf("wrote %d rows: %v", n, err)
	}
	if buf.writes < 2 {
		t.Errorf("the workbook arrived in %d write: it was assembled in memory first", buf.writes)
	}
	defer func(old int64) { maxPart = old }(maxPart)
	maxPart = 1000
	if _, err := WriteXLSX(context.Background(), io.Discard, guestTable(), sliceRows(guestRow(1))); err == nil || !strings.Contains(err.Error(), "passes 4 GiB") {
		t.Errorf("a part over the limit: %v", err)
	}
}

// writeCounter counts the writes it gets.
type writeCounter struct{ writes int }

func (c *writeCounter) Write(p []byte) (int, error) { c.writes++; return len(p), nil }

// TestWriteXLSXMoneyInTheTableCurrency: a hotel that books in euros sees
// euros, in the number format Excel applies, not a yen sign.
func TestWriteXLSXMoneyInTheTableCurrency(t *testing.T) {
	for code, want := range map[string][2]string{
		"EUR": {`"€"#,##0.00`, "€1,234.50"}, "USD": {`"$"#,##0.00`, "$1,234.50"}, "NZD": {`"NZD"#,##0.00`, "NZD1,234.50"},
	} {
		t.Run(code, func(t *testing.T) {
			tbl := guestTable()
			tbl.Currency = money.MustParse(code)
			f := writeXLSXFile(t, tbl, sliceRows([]any{"G0000001", "王芳", "+8613812345678", 3, 12.346, 1234.5, 0.125, 0.8765,
				time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2025, 3, 9, 14, 30, 0, 0, shanghai), "champions", int64(7)}))
			if got := numberFormat(t, f, targets, "F2"); got != want[0] {
				t.Errorf("number format %q, want %q", got, want[0])
			}
			if got := cellValue(t, f, targets, "F2"); got != want[1] {
				t.Errorf("shown as %q, want %q", got, want[1])
			}
			if got := numberFormat(t, f, targets, "E2"); got != "0.00" {
				t.Errorf("a decimal column took the currency: %q", got)
			}
		})
	}
}
