package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// csvStep is one result of Next: a row at a line, or a row error at a line.
type csvStep struct {
	line   int
	row    []string
	rowErr bool
}

// csvSteps reads data to the end, recording rows and row errors.
func csvSteps(t *testing.T, data string, lim Limits) (header []string, steps []csvStep) {
	t.Helper()
	r, err := openBytes([]byte(data), lim)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return r.Header(), steps
		case errors.As(err, &re):
			if re.Line != r.Line() || re.Code != RBadRow {
				t.Errorf("RowError %+v but Line() = %d", re, r.Line())
			}
			steps = append(steps, csvStep{line: re.Line, rowErr: true})
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			steps = append(steps, csvStep{line: r.Line(), row: slicesCloneStrings(row)})
		}
	}
}

func TestCSVDelimiterSniffing(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"comma", "a,b,c\n1,2,3\n", []string{"1", "2", "3"}},
		{"tab", "a\tb\tc\n1\t2,5\t3\n", []string{"1", "2,5", "3"}},
		{"semicolon", "a;b;c\n1;2,5;3\n", []string{"1", "2,5", "3"}},
		{"quoted commas do not count", "\"a,b,c,d\";e;f\n1;2;3\n", []string{"1", "2", "3"}},
		{"single column", "guest_id\nG1\n", []string{"G1"}},
		{"blank lines before the header", "\r\n\r\na;b\n1;2\n", []string{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, steps := csvSteps(t, tt.data, Limits{})
			if len(steps) != 1 || !reflect.DeepEqual(steps[0].row, tt.want) {
				t.Errorf("steps = %+v, want one row %q", steps, tt.want)
			}
		})
	}
}

func TestCSVSepLine(t *testing.T) {
	tests := []struct {
		name, data string
	}{
		{"sep=;", "sep=;\r\nguest_id;name\r\nG1;张伟, 先生\r\n"},
		{"quoted", "\"sep=;\"\nguest_id;name\nG1;张伟, 先生\n"},
		{"upper case", "SEP=;\nguest_id;name\nG1;张伟, 先生\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, steps := csvSteps(t, tt.data, Limits{})
			if !reflect.DeepEqual(header, []string{"guest_id", "name"}) {
				t.Errorf("Header = %q", header)
			}
			want := []csvStep{{line: 3, row: []string{"G1", "张伟, 先生"}}}
			if !reflect.DeepEqual(steps, want) {
				t.Errorf("steps = %+v, want %+v", steps, want)
			}
		})
	}
}

func TestCSVRaggedRows(t *testing.T) {
	data := "a,b,c\n" +
		"1,2\n" + // short: padded
		"1,2,3,,\u3000\n" + // extra cells all empty: trimmed
		"1,2,3,4\n" + // extra value: bad row
		"1,\"2\"x,3\n" + // text after a closing quote: bad row
		"1,2\"2,3\n" + // bare quote: bad row
		"\"multi\nline\",2,3\n" + // a record over two lines
		",,\n" + // blank: skipped
		"7,8,9\n"
	_, steps := csvSteps(t, data, Limits{})
	want := []csvStep{
		{line: 2, row: []string{"1", "2", ""}},
		{line: 3, row: []string{"1", "2", "3"}},
		{line: 4, rowErr: true},
		{line: 5, rowErr: true},
		{line: 6, rowErr: true},
		{line: 7, row: []string{"multi\nline", "2", "3"}},
		{line: 10, row: []string{"7", "8", "9"}},
	}
	if !reflect.DeepEqual(steps, want) {
		t.Errorf("steps:\n got %+v\nwant %+v", steps, want)
	}
}

func TestCSVUnclosedQuote(t *testing.T) {
	t.Run("swallows the rest of the file", func(t *testing.T) {
		data := "a,b\n1,2\n3,\"oops\n5,6\n7,8\n"
		err := readUntilError([]byte(data), Limits{})
		wantFileError(t, err, RFileUnreadable, "line 3", "never closed", "2 lines after it")
	})
	t.Run("on the last line only", func(t *testing.T) {
		_, steps := csvSteps(t, "a,b\n1,2\n3,\"oops", Limits{})
		want := []csvStep{{line: 2, row: []string{"1", "2"}}, {line: 3, rowErr: true}}
		if !reflect.DeepEqual(steps, want) {
			t.Errorf("steps = %+v, want %+v", steps, want)
		}
	})
	t.Run("memory stays bounded", func(t *testing.T) {
		// 64 MiB after an opening quote would otherwise be one record.
		var b strings.Builder
		b.WriteString("a,b\n1,\"oops\n")
		for b.Len() < 64<<20 {
			b.WriteString("0123456789012345678901234567890123456789012345678901234567890123\n")
		}
		err := readUntilError([]byte(b.String()), Limits{MaxCellBytes: 1024})
		wantFileError(t, err, RFileUnreadable, "after line 1", "never closed")
	})
}

func TestCSVCellTooLong(t *testing.T) {
	data := "a,b\n1," + strings.Repeat("x", 2000) + "\n3,4\n"
	_, steps := csvSteps(t, data, Limits{MaxCellBytes: 1000})
	want := []csvStep{{line: 2, rowErr: true}, {line: 3, row: []string{"3", "4"}}}
	if !reflect.DeepEqual(steps, want) {
		t.Errorf("steps = %+v, want %+v", steps, want)
	}
}

func TestCSVHeaderFolding(t *testing.T) {
	data := "\uFEFF\u3000ｇｕｅｓｔ＿ｉｄ , 姓名\u200B,\"  手机 \"\n1,２,3\n"
	header, steps := csvSteps(t, data, Limits{})
	if want := []string{"guest_id", "姓名", "手机"}; !reflect.DeepEqual(header, want) {
		t.Errorf("Header = %q, want %q", header, want)
	}
	// Data cells keep their full-width digits: the value parsers fold them.
	if want := []string{"1", "２", "3"}; len(steps) != 1 || !reflect.DeepEqual(steps[0].row, want) {
		t.Errorf("steps = %+v", steps)
	}
}

func TestCSVHeaderUnreadable(t *testing.T) {
	err := readUntilError([]byte("a,b\"c\n1,2\n"), Limits{})
	wantFileError(t, err, RFileUnreadable, "header (line 1)")
}

func TestCSVRowSliceReused(t *testing.T) {
	r, err := openBytes([]byte("a,b\n1,2\n3,4\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	first, _ := r.Next()
	second, _ := r.Next()
	if fmt.Sprint(second) != "[3 4]" || &first[0] != &second[0] {
		t.Errorf("rows %q %q: want the slice reused", first, second)
	}
}

// benchStaysCSV writes a stays export of n rows, in UTF-8 or GB18030.
func benchStaysCSV(b *testing.B, n int, gb18030 bool) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("单号,客户编号,手机,酒店,消费场所,到店时间,离店时间,消费金额,房号,人数,管家,渠道,备注\n")
	outlets := []string{"客房", "餐饮", "宴会", "会议"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "S%08d,G%07d,138%08d,泰能大酒店,%s,2025-01-%02d 12:%02d,2025-01-%02d 13:30,%d.00,%d,%d,B%03d,携程,\"靠窗, 无烟\"\n",
			i, i%90000, i, outlets[i%4], i%28+1, i%60, i%28+1, 100+i%5000, 8000+i%400, 1+i%8, i%26)
	}
	data := []byte(sb.String())
	if gb18030 {
		var err error
		if data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data); err != nil {
			b.Fatal(err)
		}
	}
	return writeTestFile(b, "stays.csv", data)
}

func BenchmarkCSVReader(b *testing.B) {
	for _, enc := range []string{"utf-8", "gb18030"} {
		b.Run(enc, func(b *testing.B) {
			path := benchStaysCSV(b, 200_000, enc == "gb18030")
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			for b.Loop() {
				r, err := Open(path, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if r.Encoding() != enc {
					b.Fatalf("Encoding = %s", r.Encoding())
				}
				rows := 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					rows++
				}
				r.Close()
				if rows != 200_000 {
					b.Fatalf("%d rows", rows)
				}
			}
		})
	}
}
