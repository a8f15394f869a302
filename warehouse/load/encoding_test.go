package load_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/internal/dbtest"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// guestSheet is one logical guests export, written below in every encoding
// and format the hotel's systems produce.
var guestSheet = [][]string{
	{"客户编号", "姓名", "手机", "证件号码", "会员等级", "生日", "喜好", "建档日期"},
	{"G1", "张伟", "138-1234-5678", whtest.IDB, "金卡", "1949年12月31日", "高楼层；无烟房", "2024/01/05 09:30"},
	{"G2", "Smith, John", "+1 415 555 2671", "", "", "1980-02-29", "", "2025-03-01"},
	{"G3", "欧阳娜娜", "+86 139 0000 2222", whtest.IDD, "银卡", "", "靠窗，不要香菜", "2025年6月1日 14:05"},
}

func csvBytes(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, b []byte) []byte {
	t.Helper()
	out, err := enc.Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func xlsxBytes(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEveryEncodingLoadsTheSameRows(t *testing.T) {
	plain := csvBytes(guestSheet)
	files := map[string][]byte{
		"utf8.csv":    plain,
		"utf8bom.csv": append([]byte("\xef\xbb\xbf"), plain...),
		"gb18030.csv": encodeWith(t, simplifiedchinese.GB18030.NewEncoder(), plain),
		"utf16le.csv": encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), plain),
		"utf16be.csv": encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), plain),
		"sheet.xlsx":  xlsxBytes(t, guestSheet),
	}
	const rowsQuery = `SELECT line, profile_id, name, mobile, mobile_is_mobile, id_hash, id_last4, vip_level,
		birthday, preferences, created_at FROM profiles ORDER BY line`
	var want []string
	for _, name := range slices.Sorted(mapKeys(files)) {
		t.Run(name, func(t *testing.T) {
			w := whtest.OpenTemp(t)
			dir := t.TempDir()
			res := whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, dir, name, files[name]))
			if res[0].Status != load.StatusLoaded || res[0].Loaded != 3 || res[0].Warnings != 0 {
				t.Fatalf("%+v", res[0])
			}
			got := whtest.QueryStrings(t, w, rowsQuery)
			if want == nil {
				want = got
				if !strings.Contains(got[0], "+8613812345678|true") || !strings.Contains(got[0], "1949-12-31") {
					t.Fatalf("first row read wrong: %q", got[0])
				}
				return
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s loads\n%q\nwhere the first encoding loaded\n%q", name, got, want)
			}
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestAFileThatTurnsToMojibakeHalfWayLoadsNothing(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("客户编号,姓名,手机\r\n")
	for i := range 50000 {
		b.WriteString("G" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i) + ",张伟,13812345678\r\n")
	}
	b.WriteString("G999999,\xff\xfe\xfd,13812345678\r\n") // not UTF-8, not GB18030
	res := whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, dir, "broken.csv", b.Bytes()))
	if res[0].Status != load.StatusFailed || !strings.Contains(res[0].Message, "FILE_ENCODING") {
		t.Fatalf("%s %q", res[0].Status, res[0].Message)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles"); n != 0 {
		t.Errorf("%d profiles loaded from a file refused for its encoding", n)
	}
}

func itoa(i int) string { return strings.TrimSpace(dbtest.FormatValue(i)) }

func TestDuplicateFileNamesInOneRunAreKeptApart(t *testing.T) {
	w := whtest.OpenTemp(t)
	a, b := t.TempDir(), t.TempDir()
	head := "客户编号,姓名,手机"
	whtest.Import(t, w, whtest.Options(),
		whtest.WriteFile(t, a, "guests.csv", whtest.CSVLines(head, "GA,张伟,13812345678")),
		whtest.WriteFile(t, b, "guests.csv", whtest.CSVLines(head, "GB,李娜,13900002222")))
	if got := whtest.QueryStrings(t, w, "SELECT profile_id FROM profiles ORDER BY 1"); !slices.Equal(got, []string{"GA", "GB"}) {
		t.Errorf("profiles %q", got)
	}
	if got := whtest.QueryStrings(t, w, "SELECT file_name FROM imports ORDER BY import_id"); len(got) != 2 || filepath.Base(got[0]) != "guests.csv" {
		t.Errorf("imports %q", got)
	}
}
