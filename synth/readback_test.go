package synth

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"
)

// table is a generated file read back the way an ingest layer would: bytes
// decoded, headers normalised and mapped to canonical fields.
type table struct {
	info   FileInfo
	fields []string // canonical field per column; "extra" for the unasked-for one
	rows   [][]string
}

// get is the cell of field f in row i, or "".
func (t *table) get(i int, f string) string {
	for c, name := range t.fields {
		if name == f && c < len(t.rows[i]) {
			return strings.TrimSpace(t.rows[i][c])
		}
	}
	return ""
}

func (t *table) has(f string) bool {
	for _, name := range t.fields {
		if name == f {
			return true
		}
	}
	return false
}

// headerFields maps a normalised header cell to its field, per kind.
func headerFields(kind string) map[string]string {
	cols := map[string][]column{"guests": guestColumns[:], "stays": stayColumns[:], "feedback": formColumns[:], "roster": rosterColumns[:]}[kind]
	m := map[string]string{}
	for _, c := range cols {
		m[normHeader(c.field)] = c.field
		for _, zh := range c.zh {
			m[normHeader(zh)] = c.field
		}
	}
	for _, e := range extraHeaders {
		m[normHeader(e[0])], m[normHeader(e[1])] = "extra", "extra"
	}
	return m
}

func normHeader(s string) string {
	return strings.ToLower(strings.ReplaceAll(width.Narrow.String(s), " ", ""))
}

// readTable decodes one generated file, failing the test on anything an
// ingest layer could not read.
func readTable(t *testing.T, dir string, fi FileInfo) *table {
	t.Helper()
	path := filepath.Join(dir, fi.Path)
	var records [][]string
	if fi.Format == "xlsx" {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("%s: %v", fi.Path, err)
		}
		defer f.Close()
		records, err = f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("%s: %v", fi.Path, err)
		}
	} else {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := decodeCSV(t, fi, raw)
		r := csv.NewReader(strings.NewReader(text))
		records, err = r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", fi.Path, err)
		}
	}
	if len(records) == 0 {
		t.Fatalf("%s: empty", fi.Path)
	}
	aliases := headerFields(fi.Kind)
	tb := &table{info: fi, rows: records[1:]}
	for _, h := range records[0] {
		f, ok := aliases[normHeader(h)]
		if !ok {
			t.Fatalf("%s: header %q maps to no field", fi.Path, h)
		}
		tb.fields = append(tb.fields, f)
	}
	return tb
}

func decodeCSV(t *testing.T, fi FileInfo, raw []byte) string {
	t.Helper()
	bom := []byte("\ufeff")
	switch fi.Encoding {
	case encUTF8BOM:
		if !bytes.HasPrefix(raw, bom) {
			t.Fatalf("%s: no BOM", fi.Path)
		}
		raw = raw[len(bom):]
	case encGB18030:
		if utf8.Valid(raw) {
			t.Fatalf("%s: claims GB18030 but is valid UTF-8", fi.Path)
		}
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		if err != nil {
			t.Fatalf("%s: %v", fi.Path, err)
		}
		if bytes.ContainsRune(dec, utf8.RuneError) {
			t.Fatalf("%s: U+FFFD after decoding", fi.Path)
		}
		return string(dec)
	case encUTF8:
		if bytes.HasPrefix(raw, bom) {
			t.Fatalf("%s: unexpected BOM", fi.Path)
		}
	}
	if !utf8.Valid(raw) {
		t.Fatalf("%s: invalid UTF-8", fi.Path)
	}
	return string(raw)
}

var (
	reDashed  = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	reChinese = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日(?: (\d{1,2}):(\d{2}))?$`)
	reSerial  = regexp.MustCompile(`^\d+(\.\d+)?$`)
)

// parseWhen reads any date spelling synth writes, or an Excel serial.
func parseWhen(s string) (minute, bool) {
	if reSerial.MatchString(s) {
		v, _ := strconv.ParseFloat(s, 64)
		return minute(math.Round((v - excelEpochOffset) * minutesPerDay)), true
	}
	m := reDashed.FindStringSubmatch(s)
	if m == nil {
		m = reChinese.FindStringSubmatch(s)
	}
	if m == nil {
		return 0, false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	y, mo, d := n(1), n(2), n(3)
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, false
	}
	h, mi := 0, 0
	if m[4] != "" {
		h, mi = n(4), n(5)
		if h > 23 || mi > 59 {
			return 0, false
		}
	}
	return dayOf(y, mo, d).at(h, mi), true
}

// parseAmount reads 1280.00, 1,280.00, ¥1280, ￥1,280.00.
func parseAmount(s string) (float64, bool) {
	s = strings.NewReplacer("¥", "", "￥", "", ",", "").Replace(s)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v >= 0
}

// normMobile is a number's digits in E.164 without the plus, or "" when it is
// not a plausible mobile.
func normMobile(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	switch {
	case len(d) == 11 && d[0] == '1' && !strings.HasPrefix(s, "+"):
		return "86" + d
	case strings.HasPrefix(s, "+") && len(d) >= 10:
		return d
	}
	return ""
}

// readAll reads every file of a summary, by kind.
func readAll(t *testing.T, dir string, sum Summary) map[string][]*table {
	t.Helper()
	out := map[string][]*table{}
	for _, fi := range sum.Files {
		tb := readTable(t, dir, fi)
		if len(tb.rows) != fi.Rows {
			t.Errorf("%s: %d rows, manifest says %d", fi.Path, len(tb.rows), fi.Rows)
		}
		out[fi.Kind] = append(out[fi.Kind], tb)
	}
	return out
}
