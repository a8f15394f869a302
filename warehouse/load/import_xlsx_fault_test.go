package load_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// withSheetXML returns the workbook with its first sheet replaced by rows of
// inline strings, each cell's text put into the XML as it is.
func withSheetXML(t testing.TB, workbook []byte, rows [][]string) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, c := range row {
			fmt.Fprintf(&sheet, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, c)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)

	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(sheet.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestXLSXWithAnUndefinedEntityIsRefusedWhole guards issue 13 row 4 end to
// end: a guests workbook whose third name holds &foo; was reported "2 loaded,
// 0 rejected" of 4 rows. It is refused as unreadable and loads nothing; the
// sound workbook loads all four, every row counted.
func TestXLSXWithAnUndefinedEntityIsRefusedWhole(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := func(fault string) [][]string {
		rows := [][]string{{"客户编号", "姓名", "手机"}}
		for i, name := range []string{"张伟", "李娜", fault, "王芳"} {
			rows = append(rows, []string{fmt.Sprintf("G%d", i+1), name, fmt.Sprintf("1381234567%d", i)})
		}
		return rows
	}
	base := xlsxBytes(t, [][]string{{"x"}})
	bad := whtest.WriteFile(t, dir, "bad.xlsx", withSheetXML(t, base, guests("&foo;")))
	good := whtest.WriteFile(t, dir, "good.xlsx", withSheetXML(t, base, guests("欧阳娜娜")))

	res := whtest.Import(t, w, whtest.Options(), bad)
	if r := res[0]; r.Status != load.StatusFailed || !strings.HasPrefix(r.Message, "FILE_UNREADABLE: ") || r.Loaded != 0 {
		t.Fatalf("bad.xlsx: %s, %d loaded, %q; want failed FILE_UNREADABLE, nothing loaded", r.Status, r.Loaded, r.Message)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles"); n != 0 {
		t.Fatalf("%d profiles loaded from a refused workbook", n)
	}

	res = whtest.Import(t, w, whtest.Options(), good)
	r := res[0]
	if r.Status != load.StatusLoaded || r.Rows != 4 || r.Loaded+r.Rejected != r.Rows {
		t.Fatalf("good.xlsx: %s rows=%d loaded=%d rejected=%d (%q)", r.Status, r.Rows, r.Loaded, r.Rejected, r.Message)
	}
	if got := whtest.QueryStrings(t, w, "SELECT name FROM profiles ORDER BY profile_id"); strings.Join(got, ",") != "张伟,李娜,欧阳娜娜,王芳" {
		t.Errorf("names loaded: %q", got)
	}
}
