package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// xlsxReader streams the first non-empty sheet of a workbook with excelize's
// row iterator, reading raw cell values: dates arrive as Excel serial numbers
// and the value parsers read them against Date1904.
type xlsxReader struct {
	name   string
	lim    Limits
	closer io.Closer
	f      *excelize.File
	tmpDir string // excelize's temporary files, removed by Close
	rows   *excelize.Rows

	date1904 bool
	header   []string
	row      []string
	rowNum   int // sheet row of the last row excelize gave
	line     int
}

// spillBytes is the size above which excelize unpacks a worksheet or the
// shared strings to a temporary file and streams it, instead of holding it in
// memory (excelize's UnzipXMLSizeLimit, 16 MiB by default). Held in memory,
// the shared strings cost ~390 bytes each, spilled ~100: 4 MiB of the
// smallest strings, held, stay near 120 MiB.
const spillBytes = 4 << 20

// errWorkbookPanic stands for a panic inside excelize: it is not hardened
// against hostile input, and a damaged file must not take the process down.
var errWorkbookPanic = errors.New("ingest: the XLSX reader failed on this file")

func openXLSX(name string, r io.ReaderAt, size int64, lim Limits, path string, closer io.Closer) (Reader, error) {
	if err := checkZip(r, size, lim); err != nil {
		return nil, err
	}
	tmpDir, err := os.MkdirTemp(lim.SpillDir, "revisit-xlsx-")
	if err != nil {
		return nil, fmt.Errorf("ingest: open %s: %w", name, err)
	}
	x := &xlsxReader{name: name, lim: lim, tmpDir: tmpDir}
	if err := x.open(r, size, path); err != nil {
		x.Close()
		return nil, err
	}
	x.closer = closer
	return x, nil
}

func (x *xlsxReader) open(r io.ReaderAt, size int64, path string) error {
	opts := excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    x.lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(x.lim.MaxUnzipXMLBytes, x.lim.MaxUnzipBytes, spillBytes),
		TmpDir:            x.tmpDir,
	}
	err := guard(func() error {
		var err error
		if path != "" {
			x.f, err = excelize.OpenFile(path, opts)
		} else {
			x.f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), opts)
		}
		return err
	})
	if err != nil {
		return x.workbookError(err)
	}
	var props excelize.WorkbookPropsOptions
	if err := guard(func() (err error) { props, err = x.f.GetWorkbookProps(); return err }); err != nil {
		return x.workbookError(err)
	}
	x.date1904 = props.Date1904 != nil && *props.Date1904
	return x.findHeader()
}

// findHeader reads the first sheet that has a non-blank row; that row is the
// header. Hidden sheets come last: templates hide their lists and settings.
func (x *xlsxReader) findHeader() error {
	var sheets, hidden []string
	err := guard(func() error {
		for _, sheet := range x.f.GetSheetList() {
			if visible, err := x.f.GetSheetVisible(sheet); err == nil && !visible {
				hidden = append(hidden, sheet)
			} else {
				sheets = append(sheets, sheet)
			}
		}
		return nil
	})
	if err != nil {
		return x.workbookError(err)
	}
	for _, sheet := range append(sheets, hidden...) {
		if err := guard(func() (err error) { x.rows, err = x.f.Rows(sheet); return err }); err != nil {
			return x.workbookError(err)
		}
		x.rowNum = 0
		for {
			cells, ok, err := x.nextCells()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			header, blank := foldHeader(cells)
			if blank {
				continue
			}
			for _, c := range header {
				if len(c) > x.lim.MaxCellBytes {
					return fileErr(RFileUnreadable, "the header (row %d) has a cell longer than %s: it is not a header", x.rowNum, byteSize(int64(x.lim.MaxCellBytes)))
				}
			}
			x.header, x.line = header, x.rowNum
			x.row = make([]string, 0, len(header))
			return nil
		}
		x.rows.Close()
		x.rows = nil
	}
	return fileErr(RFileEmpty, "the workbook has no data in any sheet")
}

// nextCells advances to the next sheet row; ok is false at the end.
func (x *xlsxReader) nextCells() (cells []string, ok bool, err error) {
	err = guard(func() error {
		if !x.rows.Next() {
			return x.rows.Error()
		}
		ok = true
		x.rowNum++ // Next steps over rows missing from the XML one by one
		cells, err = x.rows.Columns()
		return err
	})
	if err != nil {
		return nil, false, x.workbookError(err)
	}
	for _, c := range cells {
		// A workbook has no encoding to get wrong, but it can hold text
		// already damaged on its way in (a CSV opened with the wrong code
		// page, then saved): refuse it as a CSV with U+FFFD is refused.
		if strings.ContainsRune(c, utf8.RuneError) || !utf8.ValidString(c) {
			return nil, false, fileErr(RFileEncoding, "row %d holds the replacement character \uFFFD left by an earlier failed conversion: fix the text at its source and save the workbook again", x.rowNum)
		}
	}
	return cells, ok, nil
}

func (x *xlsxReader) Next() ([]string, error) {
	for {
		cells, ok, err := x.nextCells()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		// A cell right of the header has no column to go to: unlike a CSV
		// line, a sheet cannot shift its cells, so it is dropped, not an error.
		row, blank, long, _ := shapeRow(x.row, cells, len(x.header), x.lim.MaxCellBytes)
		x.row = row
		if blank {
			continue
		}
		x.line = x.rowNum
		if long >= 0 {
			return nil, &RowError{Line: x.line, Code: RBadRow,
				Msg: fmt.Sprintf("cell %d is longer than %s", long+1, byteSize(int64(x.lim.MaxCellBytes)))}
		}
		return row, nil
	}
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Line() int        { return x.line }
func (x *xlsxReader) Format() string   { return "xlsx" }
func (x *xlsxReader) Encoding() string { return "xlsx" }
func (x *xlsxReader) Date1904() bool   { return x.date1904 }

// Close releases the sheet iterator, excelize's temporary files and the file.
func (x *xlsxReader) Close() error {
	var errs []error
	if x.rows != nil {
		x.rows.Close() // its error is the iteration's, already reported by Next
		x.rows = nil
	}
	if x.f != nil {
		errs = append(errs, x.f.Close())
		x.f = nil
	}
	if x.tmpDir != "" {
		// Also what excelize leaves behind when opening fails half-way.
		errs = append(errs, os.RemoveAll(x.tmpDir))
		x.tmpDir = ""
	}
	if x.closer != nil {
		errs = append(errs, x.closer.Close())
		x.closer = nil
	}
	return errors.Join(errs...)
}

// guard runs a call into excelize and turns a panic into errWorkbookPanic.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errWorkbookPanic
		}
	}()
	return fn()
}

// workbookError maps what excelize returns to a refusal that is safe to show.
// I/O failures of the file system stay plain errors.
func (x *xlsxReader) workbookError(err error) error {
	var (
		fe  *FileError
		pe  *fs.PathError
		se  *xml.SyntaxError
		msg = err.Error()
	)
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &pe):
		return fmt.Errorf("ingest: read %s: %w", x.name, err)
	case strings.Contains(msg, "unzip size exceeds"):
		return fileErr(RFileUnreadable, "the workbook unpacks to more than the %s limit", byteSize(x.lim.MaxUnzipBytes))
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return fileErr(RFileUnsupported, "the workbook is password-protected or in a format that cannot be read: save it as .xlsx without a password")
	case errors.Is(err, excelize.ErrMaxRows):
		return fileErr(RFileUnreadable, "the sheet has more rows than Excel allows: the workbook is damaged")
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrAlgorithm),
		errors.Is(err, io.ErrUnexpectedEOF), strings.HasPrefix(msg, "flate: "):
		return fileErr(RFileUnreadable, "the workbook is damaged or truncated (%s): open it in Excel and save it again", msg)
	case errors.As(err, &se):
		return fileErr(RFileUnreadable, "the workbook is damaged (XML syntax error on line %d of one of its parts): open it in Excel and save it again", se.Line)
	case errors.Is(err, errWorkbookPanic):
		return fileErr(RFileUnreadable, "the workbook is damaged and cannot be read: open it in Excel and save it again")
	}
	return fileErr(RFileUnreadable, "the workbook is damaged or was not written by a spreadsheet program: open it in Excel and save it again as .xlsx")
}

// refuseOLE explains why an OLE2 compound file cannot be read: Excel stores
// both legacy .xls workbooks and encrypted .xlsx workbooks in one.
func refuseOLE(r io.ReaderAt) *FileError {
	switch oleContent(r) {
	case "encrypted":
		return fileErr(RFileUnsupported, "the workbook is password-protected (encrypted): open it in Excel or WPS, remove the password and save it as .xlsx")
	case "xls":
		return fileErr(RFileUnsupported, "the file is a legacy Excel 97-2003 workbook (.xls): open it in Excel or WPS and save it as .xlsx")
	}
	return fileErr(RFileUnsupported, "the file is a legacy .xls workbook or a password-protected workbook: save it as .xlsx without a password")
}

// oleContent names what an OLE2 file holds from its stream names: "encrypted"
// (an EncryptionInfo stream), "xls" (a Workbook or Book stream), or "".
func oleContent(r io.ReaderAt) (kind string) {
	defer func() {
		if recover() != nil {
			kind = ""
		}
	}()
	doc, err := mscfb.New(r)
	if err != nil {
		return ""
	}
	for _, f := range doc.File {
		switch f.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return "encrypted"
		case "Workbook", "Book":
			kind = "xls"
		}
	}
	return kind
}
