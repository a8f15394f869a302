package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriteCSVFormat(t *testing.T) {
	out := write(t, WriteCSV, guestTable(), goldenRows())
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBFguest_id,name,mobile,stays,")) {
		t.Errorf("want a UTF-8 BOM and the keys first, got %q", out[:min(len(out), 40)])
	}
	lines := strings.SplitAfter(string(out), "\r\n")
	if last := lines[len(lines)-1]; last != "" {
		t.Errorf("file does not end in CRLF: %q", last)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte(utf8BOM))))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 5 {
		t.Fatalf("%d records, want a header and 4 rows", len(records))
	}
	tests := []struct {
		row, col int
		want     string
	}{
		{1, 0, "G0000001"},
		{1, 2, "138****0001"},
		{1, 3, "2"},                   // integer
		{1, 5, "1.5"},                 // money at full precision, no symbol
		{1, 6, "0.01"},                // percent as the fraction
		{1, 8, "2025-02-02"},          // date
		{1, 9, "2025-06-02 14:30:00"}, // date-time, local wall clock
		{3, 1, "李\"小龙\", 先生\n第二行"},    // encoding/csv reads CRLF in quotes as \n
		{3, 10, `'=HYPERLINK("http://x","y")`},
		{4, 0, ""},
		{4, 11, ""},
	}
	for _, tc := range tests {
		if got := records[tc.row][tc.col]; got != tc.want {
			t.Errorf("record %d field %d = %q, want %q", tc.row, tc.col, got, tc.want)
		}
	}
	if !strings.Contains(string(out), "\"李\"\"小龙\"\", 先生\r\n第二行\"") {
		t.Error("quotes are not doubled inside a quoted field")
	}
}

func TestAppendCSVRecord(t *testing.T) {
	tests := []struct {
		fields []string
		want   string
	}{
		{[]string{"a", "b"}, "a,b\r\n"},
		{[]string{"a,b", `say "hi"`}, "\"a,b\",\"say \"\"hi\"\"\"\r\n"},
		{[]string{"line\nbreak", "cr\ronly"}, "\"line\nbreak\",\"cr\ronly\"\r\n"},
		{[]string{" lead", "trail "}, "\" lead\",trail \r\n"},
		{[]string{"", ""}, ",\r\n"},
		{[]string{""}, "\"\"\r\n"},
		{[]string{"张伟"}, "张伟\r\n"},
	}
	for _, tc := range tests {
		if got := string(appendCSVRecord(nil, tc.fields)); got != tc.want {
			t.Errorf("appendCSVRecord(%q) = %q, want %q", tc.fields, got, tc.want)
		}
		records, err := csv.NewReader(strings.NewReader(tc.want)).ReadAll()
		if err != nil || len(records) != 1 || strings.Join(records[0], "\x00") != strings.Join(tc.fields, "\x00") {
			t.Errorf("%q reads back as %q, %v", tc.want, records, err)
		}
	}
}
