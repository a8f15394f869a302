package load_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// fuzzImportLimits keep one input cheap whatever its bytes claim.
var fuzzImportLimits = ingest.Limits{MaxFileBytes: 1 << 20, MaxUnzipBytes: 16 << 20, MaxUnzipXMLBytes: 8 << 20,
	MaxCellBytes: 4 << 10, MaxUnzipHeldBytes: 8 << 20, MaxSharedStringsBytes: 4 << 20, MaxSharedStrings: 20_000,
	MaxSheetCells: 1 << 20}

var fileCode = regexp.MustCompile(`^FILE_[A-Z_]+: `)

// FuzzImportFile sends bytes through the whole import, into a real
// warehouse: sniffing, decoding, kind detection, validation, staging and
// the manifest. Each file is refused whole with a FILE_ code and leaves no
// row behind, or its rows read are exactly its rows loaded plus its rows
// rejected, as the tables count them and as a second reading of the file
// counts them; the Go heap stays bounded.
func FuzzImportFile(f *testing.F) {
	for _, seed := range importSeeds(f) {
		f.Add(seed)
	}
	w := openFuzzWarehouse(f)
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++
		path := filepath.Join(dir, fmt.Sprintf("upload-%d", n))
		whtest.WriteFile(t, dir, filepath.Base(path), data)
		opt := whtest.Options()
		opt.Limits = fuzzImportLimits
		opt.RejectThreshold = 1 // load whatever validates, so that the counts are checked
		res, err := load.Files(context.Background(), w, []string{path}, opt)
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if len(res) != 1 {
			t.Fatalf("%d results for one file", len(res))
		}
		checkImportOutcome(t, w, path, res[0])
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > 256<<20 {
			t.Fatalf("Go heap at %d MiB after one import", m.HeapAlloc>>20)
		}
	})
}

// checkImportOutcome holds one file's result against the tables and
// against an independent reading of the file.
func checkImportOutcome(t *testing.T, w *warehouse.Warehouse, path string, r load.FileResult) {
	t.Helper()
	if r.Status == load.StatusSkipped {
		return
	}
	var stored, rejectedLines int64
	if r.ImportID > 0 && r.Kind != "" {
		stored = whtest.QueryInt(t, w, "SELECT count(*) FROM "+tableOfKind[r.Kind]+" WHERE import_id = ?", r.ImportID)
		rejectedLines = whtest.QueryInt(t, w, "SELECT count(DISTINCT line) FROM rejects WHERE import_id = ? AND severity = 'reject'", r.ImportID)
	}
	switch {
	case r.Status == load.StatusFailed:
		if !fileCode.MatchString(r.Message) {
			t.Fatalf("failed without a FILE_ code: %q", r.Message)
		}
		if stored != 0 || r.Loaded != 0 {
			t.Fatalf("refused file left %d rows (result says %d loaded): %q", stored, r.Loaded, r.Message)
		}
	case r.Status == load.StatusLoaded:
		if r.Loaded+r.Rejected != r.Rows || stored != r.Loaded || rejectedLines != r.Rejected {
			t.Fatalf("rows=%d loaded=%d rejected=%d; the tables hold %d rows and %d rejected lines",
				r.Rows, r.Loaded, r.Rejected, stored, rejectedLines)
		}
		if n := countRowsRead(t, path); n != r.Rows {
			t.Fatalf("the file holds %d rows, the import read %d", n, r.Rows)
		}
	default:
		t.Fatalf("status %q", r.Status)
	}
}

// countRowsRead reads the file again with the ingest reader alone, counting
// the rows and the lines that could not be split into cells.
func countRowsRead(t *testing.T, path string) int64 {
	t.Helper()
	r, err := ingest.Open(path, fuzzImportLimits)
	if err != nil {
		t.Fatalf("a loaded file does not open again: %v", err)
	}
	defer r.Close()
	var n int64
	for {
		_, err := r.Next()
		var re *ingest.RowError
		switch {
		case err == io.EOF:
			return n
		case err == nil, errors.As(err, &re):
			n++
		default:
			t.Fatalf("a loaded file fails on second reading: %v", err)
		}
	}
}

// openFuzzWarehouse opens one warehouse for every input of a fuzz process.
func openFuzzWarehouse(tb testing.TB) *warehouse.Warehouse {
	tb.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: filepath.Join(tb.TempDir(), "w.duckdb"), Threads: 1, MemoryLimit: "512MB"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := w.Close(); err != nil {
			tb.Error(err)
		}
	})
	return w
}

// importSeeds are files of both formats, sound and hostile.
func importSeeds(tb testing.TB) [][]byte {
	guests := [][]string{{"客户编号", "姓名", "手机"}, {"G1", "张伟", "13812345678"}, {"G2", "李娜", "13900002222"}, {"", "无编号", "1"}}
	stays := whtest.CSVLines("单号,客户编号,到店时间,离店时间,消费金额",
		"S1,G1,2026-11-20 15:00,2026-11-22 11:00,\"1,280.00\"",
		"S2,G1,2026-13-01,2026-11-21,100",
		"S3,GX,2026-11-20,2026-11-21,abc")
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvBytes(guests))
	if err != nil {
		tb.Fatal(err)
	}
	book := xlsxBytes(tb, [][]string{{"x"}})
	faulty := guests
	faulty = append(faulty[:2:2], []string{"G2", "&foo;", "13900002222"}, guests[3])
	var bomb strings.Builder
	bomb.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for range 30_000 {
		bomb.WriteString(`<si><t>a</t></si>`)
	}
	bomb.WriteString(`</sst>`)
	return [][]byte{
		csvBytes(guests),
		stays,
		gbk,
		append([]byte("客户编号,姓名\r\nG1,张伟\r\n"), gbk[len(gbk)/2:]...), // UTF-8, then GB18030
		withSheetXML(tb, book, guests),
		withSheetXML(tb, book, faulty),
		withPart(tb, withSheetXML(tb, book, guests), "xl/sharedStrings.xml", []byte(bomb.String())),
		[]byte("客户编号,姓名\r\nG1,张\x00伟\r\n"),
	}
}

// withPart returns the workbook with one part replaced.
func withPart(tb testing.TB, workbook []byte, name string, content []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			if err := zw.Copy(f); err != nil {
				tb.Fatal(err)
			}
		}
	}
	pw, err := zw.Create(name)
	if err == nil {
		_, err = pw.Write(content)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// tableOfKind is the table each kind of file loads into.
var tableOfKind = map[string]string{"roster": "butlers", "guests": "profiles", "stays": "stays", "feedback": "feedback"}
