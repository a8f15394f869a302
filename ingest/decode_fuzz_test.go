package ingest

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/. Only the hostile
// archives that must be built (zip and shared-string bombs) are added in
// code, by addHostileArchives.

// fuzzLimits keep one fuzz input cheap: whatever the bytes claim, a
// workbook may unpack to 16 MiB at most and hold 20,000 shared strings.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxUnzipBytes: 16 << 20, MaxUnzipXMLBytes: 8 << 20, MaxCellBytes: 4 << 10,
	MaxUnzipHeldBytes: 8 << 20, MaxSharedStringsBytes: 4 << 20, MaxSharedStrings: 20_000, MaxSheetCells: 1 << 20}

// fuzzMaxRows bounds the rows one input may yield.
const fuzzMaxRows = 10000

// fuzzHeapCeiling is the heap one input may leave allocated once read: the
// limits above keep any input far below it.
const fuzzHeapCeiling = 256 << 20

// fuzzOptions validate rows as the hotel would.
var fuzzOptions = Options{Loc: time.FixedZone("CST", 8*3600), Hasher: NewIDHasher([]byte("fuzz-key-0123456789"))}

// drainFuzz reads r to its end as an import would, through kind detection
// and validation. A file is refused cleanly (a *FileError, at open, at
// detection or at any row), or every row read ends as exactly one of loaded
// or rejected with its reason. Every row is checked too: valid UTF-8, no
// U+FFFD, the header's width, cells trimmed and within the limit.
func drainFuzz(t *testing.T, r Reader) {
	t.Helper()
	header := r.Header()
	checkFuzzCells(t, "header", header, len(header)+1)
	cols, err := DetectKind(header)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || (fe.Code != RFileUnknownKind && fe.Code != RFileMissingCol) {
			t.Fatalf("DetectKind: %T %v", err, err)
		}
		return
	}
	v := NewValidator(cols, r.Date1904(), fuzzOptions)
	var read, loaded, rejected int
	defer func() {
		if read != loaded+rejected {
			t.Fatalf("%d rows read, %d loaded + %d rejected", read, loaded, rejected)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > fuzzHeapCeiling {
			t.Fatalf("heap at %d MiB after one input", m.HeapAlloc>>20)
		}
	}()
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
			read++
			rejected++
			continue
		case errors.As(err, &fe):
			if fe.Code == "" || fe.Msg == "" {
				t.Fatalf("empty FileError %+v", fe)
			}
			read, loaded, rejected = 0, 0, 0 // the whole file is refused
			return
		case err != nil:
			t.Fatalf("Next: %T %v", err, err)
		}
		read++
		if len(row) != len(header) {
			t.Fatalf("row of %d cells under a header of %d", len(row), len(header))
		}
		if r.Line() < 1 {
			t.Fatalf("Line() = %d", r.Line())
		}
		checkFuzzCells(t, "row", row, fuzzLimits.MaxCellBytes)
		if validateFuzzRow(t, v, cols.Kind, r.Line(), row) {
			loaded++
		} else {
			rejected++
		}
	}
}

// validateFuzzRow validates one row as its kind; a row loads with no
// rejecting issue or is rejected with at least one, never both or neither.
func validateFuzzRow(t *testing.T, v *Validator, kind Kind, line int, row []string) bool {
	t.Helper()
	var issues []Issue
	var ok bool
	switch kind {
	case KindRoster:
		_, issues, ok = v.Butler(line, row)
	case KindGuests:
		_, issues, ok = v.Profile(line, row)
	case KindStays:
		_, issues, ok = v.Stay(line, row)
	case KindFeedback:
		_, issues, ok = v.Feedback(line, row)
	default:
		t.Fatalf("DetectKind gave kind %q", kind)
	}
	rejects := 0
	for _, is := range issues {
		if is.Code == "" || is.Msg == "" || is.Line != line {
			t.Fatalf("issue %+v of line %d", is, line)
		}
		if is.Severity == Reject {
			rejects++
		}
	}
	if ok != (rejects == 0) {
		t.Fatalf("line %d: ok=%v with %d rejecting issues", line, ok, rejects)
	}
	return ok
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
	addHostileArchives(f, func(archive []byte) []any { return []any{archive} })
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
	addHostileArchives(f, func(archive []byte) []any { return []any{archive, []byte(nil)} })
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

// addHostileArchives seeds a target with workbooks too big to keep as
// corpus files, built small: args turns one archive into the target's
// arguments. Each is refused by fuzzLimits at once.
func addHostileArchives(f *testing.F, args func(archive []byte) []any) {
	base := writeXLSX(f, [][]any{{"客户编号", "姓名"}, {"G1", "张伟"}}, nil)
	var zeros deflatedPart
	zeros.add(f, string(make([]byte, 1<<20)), 64)
	var deep deflatedPart
	deep.add(f, strings.Repeat("<a>", 1000), 1)
	for _, archive := range [][]byte{
		tinyStringsBomb(f, 32<<20), // over the size of the shared strings
		oneStringBomb(f, 32<<20),
		tinyStringsBomb(f, 2<<20), // within it, over their number
		oneStringBomb(f, 2<<20),   // within it, over the token bound
		withBigPart(f, base, "xl/media/image1.png", &zeros),
		withBigPart(f, base, "xl/worksheets/sheet1.xml", &deep),
	} {
		f.Add(args(archive)...)
	}
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
