package nightly

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// zipMagic starts an XLSX (a zip).
var zipMagic = []byte("PK\x03\x04")

// isWorkbook says whether the file at path is a zip, as an XLSX is.
func isWorkbook(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(zipMagic))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return bytes.Equal(head[:n], zipMagic), nil
}

// Limits of a kept workbook's search: the loader's defaults. A workbook
// past them (a zip bomb refused to failed/) cannot be searched; it goes
// when it expires.
const (
	searchUnzipLimit    = 1 << 30
	searchUnzipXMLLimit = 16 << 20
)

// errWorkbookUnsearchable stands for a panic inside excelize, which is not
// hardened against hostile files.
var errWorkbookUnsearchable = errors.New("the workbook cannot be searched")

// inWorkbook searches every sheet of a workbook (the loader reads one, but
// a kept workbook may hold the guest on any: the outbox's list runs over
// several sheets past a million rows). excelize spills large sheets beside
// the file, in the kept folder itself, never in the system's temporary folder.
func (m *guestMatcher) inWorkbook(path string) (found bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			found, err = false, errWorkbookUnsearchable
		}
	}()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: searchUnzipLimit,
		UnzipXMLSizeLimit: searchUnzipXMLLimit, TmpDir: filepath.Dir(path)})
	if err != nil {
		return false, fmt.Errorf("%w: %w", errWorkbookUnsearchable, err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			return false, fmt.Errorf("%w: %w", errWorkbookUnsearchable, err)
		}
		for rows.Next() {
			cells, err := rows.Columns()
			if err != nil {
				rows.Close()
				return false, fmt.Errorf("%w: %w", errWorkbookUnsearchable, err)
			}
			if m.inRow(cells) {
				rows.Close()
				return true, nil
			}
		}
		if err := rows.Close(); err != nil {
			return false, fmt.Errorf("%w: %w", errWorkbookUnsearchable, err)
		}
	}
	return false, nil
}
