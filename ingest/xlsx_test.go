package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// rewriteZipPart returns the archive with the part name replaced by content
// (or added), every other part copied as it is.
func rewriteZipPart(t testing.TB, archive []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// storedCopy rewrites an archive with every part stored uncompressed.
func storedCopy(t testing.TB, archive []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML wraps rows of <row> elements in a worksheet.
func sheetXML(rows string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		rows + `</sheetData></worksheet>`)
}

// encryptedXLSX is a workbook saved with a password: an OLE2 container.
func encryptedXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "guest_id"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// legacyXLS makes an OLE2 file with the stream names of an Excel 97-2003
// workbook, by renaming the streams of an encrypted workbook in place.
func legacyXLS(t testing.TB) []byte {
	t.Helper()
	b := encryptedXLSX(t)
	rename := func(from, to string) {
		name := func(s string) []byte {
			u := make([]byte, 0, 2*len(s)+2)
			for _, r := range s {
				u = binary.LittleEndian.AppendUint16(u, uint16(r))
			}
			return append(u, 0, 0)
		}
		old, repl := name(from), name(to)
		for i := 0; ; {
			j := bytes.Index(b[i:], old)
			if j < 0 {
				t.Fatalf("no directory entry %q", from)
			}
			i += j
			// A directory entry: the name, then its byte length at offset 64.
			if i+66 <= len(b) && int(binary.LittleEndian.Uint16(b[i+64:])) == len(old) {
				copy(b[i:i+64], make([]byte, 64))
				copy(b[i:], repl)
				binary.LittleEndian.PutUint16(b[i+64:], uint16(len(repl)))
				return
			}
			i++
		}
	}
	rename("EncryptionInfo", "Workbook")
	rename("EncryptedPackage", "Book")
	return b
}

func TestXLSXRefusesOLE(t *testing.T) {
	minimal := append(slicesCloneBytes(oleMagic), make([]byte, 504)...)
	tests := []struct {
		name  string
		data  []byte
		parts []string
	}{
		{"password-protected xlsx", encryptedXLSX(t), []string{"password-protected", "remove the password", ".xlsx"}},
		{"legacy xls", legacyXLS(t), []string{"legacy Excel 97-2003 workbook (.xls)", "save it as .xlsx"}},
		{"minimal OLE header", minimal, []string{"legacy .xls workbook or a password-protected workbook", "save it as .xlsx without a password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(writeTestFile(t, "book.xlsx", tt.data), Limits{})
			wantFileError(t, err, RFileUnsupported, tt.parts...)
		})
	}
}

func TestXLSXZipBomb(t *testing.T) {
	base := writeXLSX(t, [][]any{{"guest_id"}, {"G1"}}, nil)
	bomb := rewriteZipPart(t, base, "xl/media/image1.bin", make([]byte, 32<<20))

	// The same bomb, but its directory claims 1 KiB: archive/zip stops at
	// the declared size, so the lie only makes the file unreadable.
	var lying bytes.Buffer
	{
		zr, _ := zip.NewReader(bytes.NewReader(base), int64(len(base)))
		zw := zip.NewWriter(&lying)
		for _, f := range zr.File {
			if f.Name != "xl/worksheets/sheet1.xml" {
				zw.Copy(f)
			}
		}
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
		zeros := make([]byte, 32<<20)
		fw.Write(zeros)
		fw.Close()
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1024})
		w.Write(packed.Bytes())
		zw.Close()
	}
	tests := []struct {
		name  string
		data  []byte
		lim   Limits
		parts []string
	}{
		{"total size", bomb, Limits{MaxUnzipBytes: 16 << 20}, []string{"unpacks to more than the 16 MiB limit"}},
		{"one part", bomb, Limits{MaxUnzipXMLBytes: 8 << 20}, []string{"8 MiB limit per part"}},
		{"declared sizes that lie", lying.Bytes(), Limits{MaxUnzipBytes: 16 << 20}, []string{"damaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFileError(t, readUntilError(tt.data, tt.lim), RFileUnreadable, tt.parts...)
		})
	}
	t.Run("within the limits", func(t *testing.T) {
		if err := readUntilError(bomb, Limits{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestXLSXDate1904(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		edit func(f *excelize.File)
		want bool
	}{
		{"1900 system", nil, false},
		{"1904 system", func(f *excelize.File) { f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := openBytes(writeXLSX(t, [][]any{{"arrival"}, {1}}, tt.edit), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Date1904() != tt.want {
				t.Errorf("Date1904 = %v, want %v", r.Date1904(), tt.want)
			}
		})
	}
}

func TestXLSXFirstNonEmptySheetAndRawValues(t *testing.T) {
	data := writeXLSX(t, nil, func(f *excelize.File) {
		f.NewSheet("说明")
		f.NewSheet("Data")
		f.SetCellValue("说明", "A5", "  ") // blank after trimming: still empty
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
		f.SetSheetRow("Data", "B3", &[]any{"单号", " 到店时间 ", "消费金额（元）", "手机"})
		f.SetSheetRow("Data", "B4", &[]any{"S1", time.Date(2025, 1, 1, 14, 30, 0, 0, time.UTC), 1280.5, 13812345678})
		f.SetCellStyle("Data", "C4", "C4", style)
		f.SetSheetRow("Data", "B6", &[]any{"S2"})
		if err := f.SetCellValue("Data", "Z6", "a note right of the header"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellValue("Data", "C7", true); err != nil {
			t.Fatal(err)
		}
	})
	r, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if want := []string{"", "单号", "到店时间", "消费金额(元)", "手机"}; !reflect.DeepEqual(r.Header(), want) {
		t.Errorf("Header = %q, want %q", r.Header(), want)
	}
	rows, lines := readAllRows(t, r)
	want := [][]string{
		{"", "S1", "45658.604166666664", "1280.5", "13812345678"},
		{"", "S2", "", "", ""},
		{"", "", "1", "", ""},
	}
	if !reflect.DeepEqual(rows, want) || !reflect.DeepEqual(lines, []int{4, 6, 7}) {
		t.Errorf("rows = %q at %v\nwant %q at [4 6 7]", rows, lines, want)
	}
}

func TestXLSXHiddenSheetsLast(t *testing.T) {
	data := writeXLSX(t, [][]any{{"下拉列表"}, {"金卡"}}, func(f *excelize.File) {
		idx, _ := f.NewSheet("Data")
		f.SetSheetRow("Data", "A1", &[]any{"guest_id"})
		f.SetSheetRow("Data", "A2", &[]any{"G1"})
		f.SetActiveSheet(idx) // excelize will not hide the active sheet
		if err := f.SetSheetVisible("Sheet1", false); err != nil {
			t.Fatal(err)
		}
	})
	r, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Header(); len(got) != 1 || got[0] != "guest_id" {
		t.Errorf("Header = %q: want the visible sheet's", got)
	}
}

func TestXLSXEmptyWorkbook(t *testing.T) {
	_, err := openBytes(writeXLSX(t, nil, nil), Limits{})
	wantFileError(t, err, RFileEmpty, "no data in any sheet")
}

func TestXLSXDamaged(t *testing.T) {
	good := writeXLSX(t, [][]any{{"guest_id"}, {"G1"}}, nil)
	// Stored (not deflated) parts, so that a changed byte is caught by
	// nothing but the CRC, which excelize does not check.
	corrupt := storedCopy(t, good)
	i := bytes.Index(corrupt, []byte("<t>G1</t>"))
	corrupt[i+4] = '7'
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated", good[:len(good)/2]},
		{"a part fails its checksum", corrupt},
		{"workbook.xml cut short", rewriteZipPart(t, good, "xl/workbook.xml", []byte("<workbook><sheets><sheet"))},
		{"workbook.xml empty", rewriteZipPart(t, good, "xl/workbook.xml", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readUntilError(tt.data, Limits{})
			wantFileError(t, err, RFileUnreadable, "damaged")
		})
	}
}

func TestXLSXRefusesReplacementCharacter(t *testing.T) {
	data := writeXLSX(t, [][]any{{"guest_id", "name"}, {"G1", "张伟"}, {"G2", "锟斤拷\uFFFD"}}, nil)
	wantFileError(t, readUntilError(data, Limits{}), RFileEncoding, "row 3", "replacement character")
}

func TestXLSXCellTooLong(t *testing.T) {
	data := writeXLSX(t, [][]any{{"guest_id", "preferences"}, {"G1", strings.Repeat("喜", 500)}, {"G2", "ok"}}, nil)
	r, err := openBytes(data, Limits{MaxCellBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Next()
	if re, ok := err.(*RowError); !ok || re.Line != 2 || re.Code != RBadRow {
		t.Fatalf("Next = %v, want a BAD_ROW RowError on line 2", err)
	}
	if row, err := r.Next(); err != nil || row[0] != "G2" || r.Line() != 3 {
		t.Fatalf("Next = %q, %v at line %d", row, err, r.Line())
	}
}

func TestXLSXCloseRemovesTempFiles(t *testing.T) {
	// A worksheet over excelize's 16 MiB threshold is unpacked to a
	// temporary file and streamed from there.
	big := strings.Repeat("x", 60<<10)
	var rows strings.Builder
	rows.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>guest_id</t></is></c></row>`)
	for i := 2; rows.Len() < 17<<20; i++ {
		rows.WriteString(`<row><c t="inlineStr"><is><t>` + big + `</t></is></c></row>`)
	}
	base := writeXLSX(t, [][]any{{"x"}}, nil)
	data := rewriteZipPart(t, base, "xl/worksheets/sheet1.xml", sheetXML(rows.String()))
	path := writeTestFile(t, "big.xlsx", data)

	r, err := Open(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if row, err := r.Next(); err != nil || len(row[0]) != len(big) {
		t.Fatalf("Next: %v", err)
	}
	dir := r.(*xlsxReader).tmpDir
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("temporary files while reading: %v, %v", entries, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary directory %s still there after Close: %v", dir, err)
	}
}

func TestXLSXOpenFailureLeavesNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where os.MkdirTemp, and so excelize, write
	data := rewriteZipPart(t, writeXLSX(t, [][]any{{"a"}}, nil), "xl/workbook.xml", []byte("<bad"))
	if _, err := openBytes(data, Limits{}); err == nil {
		t.Fatal("want an error")
	}
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) > 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("left behind in the temporary directory: %v", entries)
	}
}
