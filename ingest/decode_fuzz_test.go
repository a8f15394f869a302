package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; the targets below add
// nothing in code so that the corpus files are the one list of seeds.

// fuzzLimits keep one fuzz input cheap: whatever the bytes claim, a
// workbook may unpack to 16 MiB at most.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxUnzipBytes: 16 << 20, MaxUnzipXMLBytes: 8 << 20, MaxCellBytes: 4 << 10}

// fuzzMaxRows bounds the rows one input may yield.
const fuzzMaxRows = 10000

// drainFuzz reads r to its end and checks every row: valid UTF-8, no U+FFFD,
// the header's width, cells trimmed and within the limit.
func drainFuzz(t *testing.T, r Reader) {
	t.Helper()
	header := r.Header()
	checkFuzzCells(t, "header", header, len(header)+1)
	for i := 0; i < fuzzMaxRows; i++ {
		row, err := r.Next()
		var re *RowError
		var fe *FileError
		switch {
		case err == io.EOF:
			return
		case errors.As(err, &re):
			if re.Code != RBadRow || re.Line < 1 {
				t.Fatalf("bad RowError %+v", re)
			}
			continue
		case errors.As(err, &fe):
			return
		case err != nil:
			t.Fatalf("Next: %T %v", err, err)
		}
		if len(row) != len(header) {
			t.Fatalf("row of %d cells under a header of %d", len(row), len(header))
		}
		if r.Line() < 1 {
			t.Fatalf("Line() = %d", r.Line())
		}
		checkFuzzCells(t, "row", row, fuzzLimits.MaxCellBytes)
	}
}

func checkFuzzCells(t *testing.T, what string, cells []string, maxLen int) {
	t.Helper()
	for _, c := range cells {
		if !utf8.ValidString(c) || strings.ContainsRune(c, utf8.RuneError) {
			t.Fatalf("%s cell %q is not clean UTF-8", what, c)
		}
		if strings.IndexByte(c, 0) >= 0 {
			t.Fatalf("%s cell %q holds NUL", what, c)
		}
		if what == "row" && (len(c) > maxLen || trimCell(c) != c) {
			t.Fatalf("%s cell %q: untrimmed or longer than %d", what, c, maxLen)
		}
	}
}

// openFuzz opens data as an upload; a refusal must be a *FileError.
func openFuzz(t *testing.T, data []byte) Reader {
	t.Helper()
	r, err := NewReader("fuzz", bytes.NewReader(data), int64(len(data)), fuzzLimits)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("open: %T %v", err, err)
		}
		if fe.Code == "" || fe.Msg == "" {
			t.Fatalf("empty FileError %+v", fe)
		}
		return nil
	}
	return r
}

func FuzzCSVDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r := openFuzz(t, data)
		if r == nil {
			return
		}
		defer r.Close()
		drainFuzz(t, r)
	})
}

// FuzzXLSXReader puts the fuzzed bytes into a valid workbook as its worksheet
// and shared-string table (a mutated archive would only fail its CRC), or
// reads them as the whole file when they start like a ZIP archive.
func FuzzXLSXReader(f *testing.F) {
	template := writeXLSX(f, [][]any{{"guest_id", "name"}, {"G1", "张伟"}}, nil)
	f.Fuzz(func(t *testing.T, sheet, sharedStrings []byte) {
		data := sheet
		if !bytes.HasPrefix(sheet, zipMagic) {
			data = rewriteZipPart(t, template, "xl/worksheets/sheet1.xml", sheet)
			data = rewriteZipPart(t, data, "xl/sharedStrings.xml", sharedStrings)
		}
		r := openFuzz(t, data)
		if r == nil {
			return
		}
		defer func() {
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}()
		drainFuzz(t, r)
	})
}

func FuzzDetectKind(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		header := strings.Split(line, ",")
		cols, err := DetectKind(header)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || (fe.Code != RFileUnknownKind && fe.Code != RFileMissingCol) {
				t.Fatalf("DetectKind: %T %v", err, err)
			}
			if fe.Code == RFileUnknownKind && hasDigitRun(fe.Msg, 6) {
				t.Fatalf("message repeats a long number: %s", fe.Msg)
			}
			return
		}
		used := map[int]Field{}
		for f, i := range cols.Index {
			if i < 0 || i >= len(header) {
				t.Fatalf("Index[%s] = %d out of %d cells", f, i, len(header))
			}
			if g, dup := used[i]; dup {
				t.Fatalf("column %d mapped to both %s and %s", i, f, g)
			}
			used[i] = f
		}
		if len(cols.Index)+len(cols.Extra) > len(header) {
			t.Fatalf("%d mapped + %d extra > %d cells", len(cols.Index), len(cols.Extra), len(header))
		}
		for _, c := range header {
			if n := NormalizeHeader(c); NormalizeHeader(n) != n {
				t.Fatalf("NormalizeHeader not idempotent: %q → %q → %q", c, n, NormalizeHeader(n))
			}
		}
	})
}

func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
