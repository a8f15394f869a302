package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// guestsCSV is one logical export, written below in every encoding a hotel
// sends: Chinese and full-width header cells, a quoted comma, a quoted quote,
// padding spaces and U+3000, a blank line and a short row.
const guestsCSV = "客户编号,姓名,手机,ＶＩＰ等级,喜好,生日\r\n" +
	"G001,张伟,13812345678,金卡,\"靠窗, 高楼层\",1980-05-01\r\n" +
	"G002, 李娜　,+86 138 1234 5678,,\"说\"\"不要\"\"香菜\",\r\n" +
	"\r\n" +
	"G003,Émile Zola,,银卡\r\n"

var guestsHeader = []string{"客户编号", "姓名", "手机", "VIP等级", "喜好", "生日"}

var guestsRows = [][]string{
	{"G001", "张伟", "13812345678", "金卡", "靠窗, 高楼层", "1980-05-01"},
	{"G002", "李娜", "+86 138 1234 5678", "", "说\"不要\"香菜", ""},
	{"G003", "Émile Zola", "", "银卡", "", ""},
}

// readAllRows drains r, failing the test on anything but io.EOF.
func readAllRows(t testing.TB, r Reader) (rows [][]string, lines []int) {
	t.Helper()
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, lines
		}
		if err != nil {
			t.Fatalf("Next after line %d: %v", r.Line(), err)
		}
		rows = append(rows, slicesCloneStrings(row))
		lines = append(lines, r.Line())
	}
}

func slicesCloneStrings(s []string) []string { return append([]string(nil), s...) }

// writeTestFile writes data to a file in a temporary directory.
func writeTestFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// openBytes opens data as an uploaded file would be.
func openBytes(data []byte, lim Limits) (Reader, error) {
	return NewReader("upload", bytes.NewReader(data), int64(len(data)), lim)
}

// mustEncode encodes UTF-8 text with an x/text encoder.
func mustEncode(t testing.TB, s string, enc interface {
	Bytes([]byte) ([]byte, error)
}) []byte {
	t.Helper()
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeXLSX writes rows (from A1) to the first sheet of a new workbook.
func writeXLSX(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantFileError checks that err is a *FileError with code whose message
// holds every one of parts.
func wantFileError(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FileError %s, got %T %v", code, err, err)
	}
	if fe.Code != code {
		t.Fatalf("want code %s, got %s (%s)", code, fe.Code, fe.Msg)
	}
	for _, p := range parts {
		if !strings.Contains(fe.Msg, p) {
			t.Errorf("message %q does not mention %q", fe.Msg, p)
		}
	}
}

// readUntilError opens data and reads until the first error that is not a
// *RowError, returning it (nil at a clean end).
func readUntilError(data []byte, lim Limits) error {
	r, err := openBytes(data, lim)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		_, err := r.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &re):
		case err != nil:
			return err
		}
	}
}

func TestReaderEncodingsAgree(t *testing.T) {
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()
	utf16leNoBOM := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder()
	var xlsxRows [][]any
	for _, line := range strings.Split(strings.TrimSpace(strings.ReplaceAll(guestsCSV, "\r", "")), "\n") {
		if line == "" {
			xlsxRows = append(xlsxRows, nil)
			continue
		}
		rec, err := splitOneCSVLine(line)
		if err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(rec))
		for i, c := range rec {
			row[i] = c
		}
		xlsxRows = append(xlsxRows, row)
	}
	tests := []struct {
		name, enc, format string
		data              []byte
	}{
		{"utf-8", "utf-8", "csv", []byte(guestsCSV)},
		{"utf-8 with BOM", "utf-8-bom", "csv", append([]byte("\xEF\xBB\xBF"), guestsCSV...)},
		{"gb18030", "gb18030", "csv", mustEncode(t, strings.ReplaceAll(guestsCSV, "É", "E"), simplifiedchinese.GB18030.NewEncoder())},
		{"utf-16le with BOM", "utf-16le", "csv", mustEncode(t, guestsCSV, utf16le)},
		{"utf-16be with BOM", "utf-16be", "csv", mustEncode(t, guestsCSV, utf16be)},
		{"utf-16le without BOM", "utf-16le", "csv", mustEncode(t, guestsCSV, utf16leNoBOM)},
		{"xlsx", "xlsx", "xlsx", writeXLSX(t, xlsxRows, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(writeTestFile(t, "export.csv", tt.data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Encoding() != tt.enc || r.Format() != tt.format {
				t.Errorf("Encoding, Format = %q, %q; want %q, %q", r.Encoding(), r.Format(), tt.enc, tt.format)
			}
			if !reflect.DeepEqual(r.Header(), guestsHeader) {
				t.Errorf("Header = %q, want %q", r.Header(), guestsHeader)
			}
			rows, lines := readAllRows(t, r)
			want := guestsRows
			if tt.enc == "gb18030" { // GB18030 has É, but keep the fixture plain
				want = slicesCloneRows(guestsRows)
				want[2][1] = "Emile Zola"
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("rows = %q\nwant %q", rows, want)
			}
			if !reflect.DeepEqual(lines, []int{2, 3, 5}) {
				t.Errorf("lines = %v, want [2 3 5]", lines)
			}
		})
	}
}

func slicesCloneRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = slicesCloneStrings(r)
	}
	return out
}

func TestReaderGB18030AfterASCIIPrefix(t *testing.T) {
	// More than a megabyte of ASCII before the first GBK name: sniffing only
	// the head would call it UTF-8 and load mojibake.
	var b strings.Builder
	b.WriteString("guest_id,name,gender\n")
	for i := 0; b.Len() < 3<<20; i++ {
		b.WriteString("G0000001,Zhang Wei,M\n")
	}
	b.WriteString("G9,王芳,女\n")
	data := mustEncode(t, b.String(), simplifiedchinese.GB18030.NewEncoder())
	r, err := Open(writeTestFile(t, "g.csv", data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Encoding() != "gb18030" {
		t.Fatalf("Encoding = %q, want gb18030", r.Encoding())
	}
	rows, _ := readAllRows(t, r)
	if last := rows[len(rows)-1]; last[1] != "王芳" || last[2] != "女" {
		t.Errorf("last row = %q", last)
	}
}

func TestReaderRefusesMojibake(t *testing.T) {
	gbk := mustEncode(t, "客户编号,姓名\nG1,张伟\nG2,李娜\n", simplifiedchinese.GB18030.NewEncoder())
	// Cut "李" in half: a lead byte followed by a comma.
	i := bytes.Index(gbk, mustEncode(t, "李", simplifiedchinese.GB18030.NewEncoder()))
	corrupt := append(append(slicesCloneBytes(gbk[:i+1]), ','), gbk[i+2:]...)

	asciiMiB := strings.Repeat("G0000001,Zhang Wei,13812345678\n", (2<<20)/31+1)
	deepLine := fmt.Sprintf("line %d", 2+strings.Count(asciiMiB, "\n"))
	le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder()
	loneSurrogate := append(append([]byte{0xFF, 0xFE}, mustEncode(t, "a,b\n", le)...), 0x00, 0xD8, 'x', 0, '\n', 0)
	oddLength := append(append([]byte{0xFF, 0xFE}, mustEncode(t, "a,b\nc,d\n", le)...), 'x')
	tests := []struct {
		name  string
		data  []byte
		parts []string
	}{
		{"gbk with a broken character", corrupt, []string{"GB18030", "line 3", "save it as UTF-8 or GB18030"}},
		{"utf-8 with a broken character after 2 MiB", []byte("客户编号,姓名,手机\n" + asciiMiB + "G2,李\xE5\xA8,1\n"),
			[]string{"not valid UTF-8", deepLine, "save it as UTF-8 or GB18030"}},
		{"ascii with a stray byte after 2 MiB", []byte("guest_id,name,mobile\n" + asciiMiB + "G2,\xFF,1\n"),
			[]string{"neither valid UTF-8 nor valid GB18030", deepLine, "save it as UTF-8 or GB18030"}},
		{"utf-8 BOM then invalid", []byte("\xEF\xBB\xBFguest_id,name\nG1,\xC3\x28\n"), []string{"not valid UTF-8", "line 2"}},
		{"utf-8 with U+FFFD", []byte("客户编号,姓名\nG1,张\uFFFD伟\n"), []string{"line 2", "replacement character", "save it as UTF-8 or GB18030"}},
		{"utf-16 with a lone surrogate", loneSurrogate, []string{"UTF-16LE", "line 2"}},
		{"utf-16 odd length", oddLength, []string{"UTF-16LE", "line 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFileError(t, readUntilError(tt.data, Limits{}), RFileEncoding, tt.parts...)
		})
	}
}

func slicesCloneBytes(b []byte) []byte { return append([]byte(nil), b...) }

func TestReaderRefusesBinaryAndEmpty(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"zero bytes", nil, RFileEmpty},
		{"blank lines only", []byte("\r\n\r\n,,,\n  \n"), RFileEmpty},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), RFileUnreadable},
		{"NUL padding after the text", append([]byte("guest_id,name\nG1,a\n"), make([]byte, 8192)...), RFileUnreadable},
		{"a zip that is no workbook", []byte("PK\x03\x04 this is not really a zip archive"), RFileUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFileError(t, readUntilError(tt.data, Limits{}), tt.code)
		})
	}
}

func TestReaderHeaderOnly(t *testing.T) {
	for _, data := range [][]byte{[]byte("guest_id,name"), []byte("\n\nguest_id,name\r\n\r\n")} {
		r, err := openBytes(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Header(); !reflect.DeepEqual(got, []string{"guest_id", "name"}) {
			t.Errorf("Header = %q", got)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("Next = %v, want io.EOF", err)
		}
		r.Close()
	}
}

func TestReaderFileTooLarge(t *testing.T) {
	data := []byte("guest_id,name\nG1,a\n")
	_, err := openBytes(data, Limits{MaxFileBytes: 10})
	wantFileError(t, err, RFileUnreadable, "10 bytes limit")
}

func TestReaderSniffsByContentNotName(t *testing.T) {
	data := writeXLSX(t, [][]any{{"guest_id", "name"}, {"G1", "a"}}, nil)
	r, err := Open(writeTestFile(t, "looks-like.csv", data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Format() != "xlsx" {
		t.Errorf("Format = %q, want xlsx", r.Format())
	}
}

func TestReaderTrimCell(t *testing.T) {
	tests := map[string]string{
		"":                 "",
		"  a b  ":          "a b",
		"\u3000张伟\u3000":   "张伟",
		"\u00a0138\t":      "138",
		"\u3000\u3000":     "",
		"１３８":              "１３８", // data cells are not folded
		"a\u3001":          "a\u3001",
		"\xe3\x80":         "\xe3\x80",
		" \r\n多行\n备注 \r\n": "多行\n备注",
	}
	for in, want := range tests {
		if got := trimCell(in); got != want {
			t.Errorf("trimCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// splitOneCSVLine splits one line of guestsCSV, to write the same cells to a
// workbook.
func splitOneCSVLine(line string) ([]string, error) {
	return csv.NewReader(strings.NewReader(line)).Read()
}
