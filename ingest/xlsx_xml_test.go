package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// inlineRow is one sheet row of inline-string cells; each cell's text goes
// into the XML as it is, so a test can plant a fault in it.
func inlineRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
	}
	b.WriteString(`</row>`)
	return b.String()
}

// fourGuests is a header and four guest rows; fault replaces the name of the
// guest on sheet row at (2…5), or leaves every row sound when at is 0.
func fourGuests(at int, fault string) []byte {
	rows := inlineRow(1, "客户编号", "姓名")
	for n := 2; n <= 5; n++ {
		name := fmt.Sprintf("客人%d", n)
		if n == at {
			name = fault
		}
		rows += inlineRow(n, fmt.Sprintf("G%d", n), name)
	}
	return sheetXML(rows)
}

// TestXLSXMalformedXMLRefusedWhole guards issue 13 row 4: a cell holding an
// undefined entity loaded as a blank name and the two rows after it
// vanished ("2 loaded, 0 rejected" of 4). Whatever the fault and wherever it
// sits, the workbook is refused as a whole.
func TestXLSXMalformedXMLRefusedWhole(t *testing.T) {
	base := writeXLSX(t, [][]any{{"x"}}, nil)
	sound := rewriteZipPart(t, base, "xl/worksheets/sheet1.xml", fourGuests(0, ""))
	t.Run("the sound workbook reads four rows", func(t *testing.T) {
		r, err := openBytes(sound, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if rows, _ := readAllRows(t, r); len(rows) != 4 || rows[3][1] != "客人5" {
			t.Fatalf("rows = %q", rows)
		}
	})
	sheetFaults := []struct{ name, fault, reason string }{
		{"undefined entity", "&foo;", "an undefined entity"},
		{"undefined entity with a name", "张&nbsp;伟", "an undefined entity"},
		{"bare ampersand", "A & B", "an undefined entity"},
		{"control character", "张\x01伟", "a character XML forbids"},
		{"unclosed element", "<b>张伟", "end tags crossed"},
		{"NUL", "张\x00伟", "a character XML forbids"},
	}
	for _, f := range sheetFaults {
		for _, at := range []int{2, 3, 5} {
			t.Run(fmt.Sprintf("%s on row %d", f.name, at), func(t *testing.T) {
				data := rewriteZipPart(t, base, "xl/worksheets/sheet1.xml", fourGuests(at, f.fault))
				wantFileError(t, readUntilError(data, Limits{}), RFileUnreadable,
					"damaged", "xl/worksheets/sheet1.xml", f.reason)
			})
		}
	}
	parts := []struct{ name, part, xml, reason string }{
		{"entity declared in a DOCTYPE", "xl/worksheets/sheet1.xml",
			`<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY foo "bar">]>` + string(fourGuests(3, "&foo;"))[len(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`):], "DOCTYPE"},
		{"entity in the shared strings", "xl/sharedStrings.xml",
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&foo;</t></si></sst>`, "an undefined entity"},
		{"sheet cut after the last row", "xl/worksheets/sheet1.xml",
			strings.TrimSuffix(string(fourGuests(0, "")), `</sheetData></worksheet>`), "ends inside an element"},
		{"end tags crossed", "xl/worksheets/sheet1.xml",
			strings.Replace(string(fourGuests(0, "")), `</row>`, `</c>`, 1), "end tags crossed"},
		{"a part excelize does not read", "docProps/core.xml", `<coreProperties>&foo;</coreProperties>`, "an undefined entity"},
		{"two root elements", "xl/worksheets/sheet1.xml", string(fourGuests(0, "")) + "<worksheet/>", "a second root element"},
		{"no XML at all", "xl/workbook.xml", " ", "no XML"},
		{"elements nested too deep", "docProps/app.xml", strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300), "nested more than 256 deep"},
		{"one text longer than Excel allows", "xl/worksheets/sheet1.xml",
			string(fourGuests(4, strings.Repeat("长", 400_000))), "longer than 1 MiB"},
		{"a long comment", "xl/styles.xml", "<styleSheet><!--" + strings.Repeat("<", 2<<20) + "--></styleSheet>", "longer than 1 MiB"},
	}
	for _, p := range parts {
		t.Run(p.name, func(t *testing.T) {
			data := rewriteZipPart(t, sound, p.part, []byte(p.xml))
			wantFileError(t, readUntilError(data, Limits{}), RFileUnreadable, "damaged", p.part, p.reason)
		})
	}
}
