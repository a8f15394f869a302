package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Limits bound what one input file may cost. Every XLSX limit is checked
// before excelize opens the workbook: against the sizes the archive declares,
// then while unpacking each part once; a workbook over one is refused whole
// (FILE_UNREADABLE).
type Limits struct {
	MaxFileBytes     int64 // refuse larger files (default 2 GiB)
	MaxUnzipBytes    int64 // XLSX: total uncompressed size (default 1 GiB)
	MaxUnzipXMLBytes int64 // XLSX: one XML part (default 512 MiB)
	MaxCellBytes     int   // refuse a cell longer than this (default 64 KiB) → row BAD_ROW

	// XLSX: the parts excelize holds in memory whole, i.e. all but the sheets
	// and shared strings it unpacks to disk (default 128 MiB in all).
	MaxUnzipHeldBytes int64
	// XLSX: the shared-string table's unpacked size (default 256 MiB) and
	// its number of strings (default 4,000,000, ~400 MiB in excelize).
	MaxSharedStringsBytes int64
	MaxSharedStrings      int
	// XLSX: the cells of one sheet, counting the empty ones left of each
	// row's last cell, which excelize lays out (default 100,000,000).
	MaxSheetCells int64
	// SpillDir is where an XLSX's large parts are unpacked while it is read
	// (a folder of its own, removed by Close). They hold the file's rows:
	// the warehouse points it at its private staging area, emptied when it
	// opens, so that a killed load leaves nothing in the system's temporary
	// folder ("" is that folder).
	SpillDir string
}

// DefaultLimits returns the limits used when a field of Limits is zero.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:     2 << 30,
		MaxUnzipBytes:    1 << 30,
		MaxUnzipXMLBytes: 512 << 20,
		MaxCellBytes:     64 << 10,

		MaxUnzipHeldBytes:     128 << 20,
		MaxSharedStringsBytes: 256 << 20,
		MaxSharedStrings:      4_000_000,
		MaxSheetCells:         100_000_000,
	}
}

// withDefaults fills the zero (or negative) fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxFileBytes, d.MaxFileBytes)
	orDefault(&l.MaxUnzipBytes, d.MaxUnzipBytes)
	orDefault(&l.MaxUnzipXMLBytes, d.MaxUnzipXMLBytes)
	orDefault(&l.MaxCellBytes, d.MaxCellBytes)
	orDefault(&l.MaxUnzipHeldBytes, d.MaxUnzipHeldBytes)
	orDefault(&l.MaxSharedStringsBytes, d.MaxSharedStringsBytes)
	orDefault(&l.MaxSharedStrings, d.MaxSharedStrings)
	orDefault(&l.MaxSheetCells, d.MaxSheetCells)
	return l
}

// orDefault sets a limit left at zero (or below) to its default.
func orDefault[T int | int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// FileError refuses a whole file; Code is one of the RFile* codes of types.go;
// Msg is safe to show: it never repeats cell values that could be personal data.
type FileError struct{ Code, Msg string }

func (e *FileError) Error() string { return e.Code + ": " + e.Msg }

func fileErr(code, format string, a ...any) *FileError {
	return &FileError{Code: code, Msg: fmt.Sprintf(format, a...)}
}

// RowError is returned by Next for a single line that cannot be split into
// cells (Code RBadRow); reading may continue after it.
type RowError struct {
	Line      int
	Code, Msg string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Code, e.Msg) }

// Reader streams the data rows of one export file, decoded to UTF-8.
//
// Next returns io.EOF at the end, a *RowError for a line that cannot be split
// into cells (reading may continue), a *FileError when the file must be
// refused as a whole (stop, and discard what was read), or another error when
// the file could not be read at all (an I/O failure, not the file's fault).
type Reader interface {
	Header() []string        // header cells as decoded, width-folded and trimmed
	Next() ([]string, error) // next data row, padded to the header's width; the slice is reused by the next call
	Line() int               // 1-based line (CSV: where the record starts) or sheet row (XLSX) of the last row returned
	Format() string          // "csv" or "xlsx"
	Encoding() string        // "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "gb18030", or "xlsx"
	Date1904() bool          // XLSX workbook in the 1904 date system
	Close() error
}

// Open opens the export file at path. The format is sniffed from the content,
// never from the name: a .csv that is really a workbook is read as one.
func Open(path string, lim Limits) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ingest: stat %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fileErr(RFileUnreadable, "not a regular file")
	}
	r, err := newReader(filepath.Base(path), f, st.Size(), lim, path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// NewReader reads an export held by r (size bytes), for uploads and tests.
// name is used only to label I/O errors. An XLSX given this way is read into
// memory whole (excelize cannot read from an io.ReaderAt), so cap uploads
// with MaxFileBytes.
func NewReader(name string, r io.ReaderAt, size int64, lim Limits) (Reader, error) {
	return newReader(name, r, size, lim, "", nil)
}

// sniffLen is how much of the file's head decides its format.
const sniffLen = 4096

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// newReader sniffs the content and hands it to the CSV or XLSX reader. path is
// set when r is a file on disk (excelize then reads it without loading it
// whole); closer, when set, is closed with the Reader.
func newReader(name string, r io.ReaderAt, size int64, lim Limits, path string, closer io.Closer) (Reader, error) {
	lim = lim.withDefaults()
	if size == 0 {
		return nil, fileErr(RFileEmpty, "the file is empty (0 bytes)")
	}
	if size > lim.MaxFileBytes {
		return nil, fileErr(RFileUnreadable, "the file is %s, more than the %s limit", byteSize(size), byteSize(lim.MaxFileBytes))
	}
	head := make([]byte, min(size, sniffLen))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("ingest: read %s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return openXLSX(name, r, size, lim, path, closer)
	case bytes.HasPrefix(head, oleMagic):
		return nil, refuseOLE(r)
	}
	return openCSV(name, r, size, lim, head, closer)
}

// byteSize formats n for messages: "2 GiB", "512 MiB", "64 KiB", "17 bytes".
func byteSize(n int64) string {
	const k = 1024
	switch {
	case n >= k*k*k && n%(k*k*k) == 0:
		return fmt.Sprintf("%d GiB", n/(k*k*k))
	case n >= k*k*k:
		return fmt.Sprintf("%.1f GiB", float64(n)/(k*k*k))
	case n >= k*k && n%(k*k) == 0:
		return fmt.Sprintf("%d MiB", n/(k*k))
	case n >= k*k:
		return fmt.Sprintf("%.1f MiB", float64(n)/(k*k))
	case n >= k && n%k == 0:
		return fmt.Sprintf("%d KiB", n/k)
	case n >= k:
		return fmt.Sprintf("%.1f KiB", float64(n)/k)
	}
	return fmt.Sprintf("%d bytes", n)
}

// trimCell trims a data cell of ASCII white space, NO-BREAK SPACE and the
// ideographic space U+3000, without allocating. Nothing else is changed: the
// value parsers fold full-width digits themselves.
func trimCell(s string) string {
	for len(s) > 0 {
		switch c := s[0]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f':
			s = s[1:]
			continue
		case c == 0xC2 && len(s) >= 2 && s[1] == 0xA0: // U+00A0
			s = s[2:]
			continue
		case c == 0xE3 && len(s) >= 3 && s[1] == 0x80 && s[2] == 0x80: // U+3000
			s = s[3:]
			continue
		}
		break
	}
	for n := len(s); n > 0; n = len(s) {
		switch c := s[n-1]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f':
			s = s[:n-1]
			continue
		case c == 0xA0 && n >= 2 && s[n-2] == 0xC2:
			s = s[:n-2]
			continue
		case c == 0x80 && n >= 3 && s[n-3] == 0xE3 && s[n-2] == 0x80:
			s = s[:n-3]
			continue
		}
		break
	}
	return s
}

// foldHeader width-folds and trims header cells into a new slice; blank
// reports a row of empty cells.
func foldHeader(rec []string) (header []string, blank bool) {
	header, blank = make([]string, len(rec)), true
	for i, c := range rec {
		header[i] = foldHeaderCell(c)
		if header[i] != "" {
			blank = false
		}
	}
	return header, blank
}

// foldHeaderCell turns full-width ASCII into ASCII (Ｎａｍｅ → Name, U+3000
// → space) and trims white space and the invisible characters spreadsheet
// tools leave at the edges of a title (BOM, zero-width space).
func foldHeaderCell(s string) string {
	return strings.TrimFunc(width.Fold.String(s), isHeaderSpace)
}

func isHeaderSpace(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' }

// shapeRow trims the cells of rec into dst and fits them to width: a short
// row is padded with "", a long one loses its extra cells only when they are
// all empty (else ok is false). blank reports a row of empty cells, and long
// the index of a cell within the width longer than maxCell (-1 when none).
func shapeRow(dst, rec []string, width, maxCell int) (row []string, blank bool, long int, ok bool) {
	dst = dst[:0]
	blank, long, ok = true, -1, true
	for i, c := range rec {
		c = trimCell(c)
		if c == "" {
			if i < width {
				dst = append(dst, c)
			}
			continue
		}
		blank = false
		if i >= width {
			ok = false
			continue
		}
		if len(c) > maxCell && long < 0 {
			long = i
		}
		dst = append(dst, c)
	}
	for len(dst) < width {
		dst = append(dst, "")
	}
	return dst, blank, long, ok
}
