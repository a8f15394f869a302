package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// Why a workbook is checked before excelize opens it: excelize reads XML
// leniently. It drops the decoder's errors, so an undefined entity (&foo;)
// in one cell ends the sheet there, and the rows after it vanish without a
// word; it ignores a part's read errors (a checksum mismatch, a truncated
// stream) and loads what it got as if it were the whole sheet. And it holds
// what it reads in memory at a cost the file chooses: ~100 bytes for every
// shared string, however small the workbook. So every part is unpacked once
// here, through a strict XML reader whose every token and whose depth are
// bounded, counting what excelize would later hold; the first fault refuses
// the whole file.

const (
	// maxXMLToken bounds one token of a workbook part: a tag, a comment or
	// a run of text. Excel's cells hold 32,767 characters at most, which
	// even written as character references stay well under it.
	maxXMLToken = 1 << 20
	// maxXMLDepth bounds the nesting of elements; OOXML parts nest a dozen
	// levels deep, drawings a few more.
	maxXMLDepth = 256
	// maxXMLName bounds an element's name, which the check holds while the
	// element is open.
	maxXMLName = 256
	// maxZipParts bounds the parts of a workbook: a sheet, a picture or a
	// style sheet each is one, and excelize keeps an entry for every part.
	maxZipParts = 10_000
	// sharedStringsPart is where excelize reads the shared strings from,
	// whatever the workbook's relationships say (it compares lower-cased).
	sharedStringsPart = "xl/sharedstrings.xml"
)

// checkZip refuses a zip bomb from the archive's directory, before anything
// is unpacked, then unpacks every part once to check it. archive/zip stops an
// entry at its declared size, so the declared sizes can be trusted.
func checkZip(r io.ReaderAt, size int64, lim Limits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fileErr(RFileUnreadable, "the file looks like an XLSX workbook but is not a valid one (a damaged or truncated ZIP archive): open it in Excel and save it again")
	}
	if len(zr.File) > maxZipParts {
		return fileErr(RFileUnreadable, "the workbook has more than %d parts, which no spreadsheet program writes", maxZipParts)
	}
	if err := checkDeclaredSizes(zr.File, lim); err != nil {
		return err
	}
	for _, f := range zr.File {
		if err := checkZipPart(f, lim); err != nil {
			return err
		}
	}
	return nil
}

// checkDeclaredSizes applies the unzip limits to the sizes the archive's
// directory declares. excelize keeps in memory every part but the sheets and
// the shared strings larger than spillBytes, which it unpacks to disk.
func checkDeclaredSizes(files []*zip.File, lim Limits) error {
	var total, held uint64
	for _, f := range files {
		n, name := f.UncompressedSize64, excelizeName(f.Name)
		if n > uint64(lim.MaxUnzipXMLBytes) {
			return fileErr(RFileUnreadable, "one part of the workbook unpacks to more than the %s limit per part", byteSize(lim.MaxUnzipXMLBytes))
		}
		if name == sharedStringsPart && n > uint64(lim.MaxSharedStringsBytes) {
			return fileErr(RFileUnreadable, "the workbook's shared strings unpack to more than the %s limit", byteSize(lim.MaxSharedStringsBytes))
		}
		if total += n; total > uint64(lim.MaxUnzipBytes) {
			return fileErr(RFileUnreadable, "the workbook unpacks to more than the %s limit", byteSize(lim.MaxUnzipBytes))
		}
		spilled := n > spillBytes && (name == sharedStringsPart || strings.HasPrefix(name, "xl/worksheets/sheet"))
		if !spilled {
			if held += n; held > uint64(lim.MaxUnzipHeldBytes) {
				return fileErr(RFileUnreadable, "the parts of the workbook read into memory unpack to more than the %s limit", byteSize(lim.MaxUnzipHeldBytes))
			}
		}
	}
	return nil
}

// excelizeName is a part's name as excelize matches it: lower-cased, with
// backslashes read as slashes.
func excelizeName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
}

// checkZipPart unpacks one part to nowhere, which verifies its size and CRC,
// and reads it as strict XML when it is XML.
func checkZipPart(f *zip.File, lim Limits) error {
	rc, err := f.Open()
	if err == nil {
		name := excelizeName(f.Name)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			err = checkXMLPart(rc, partLabel(f.Name), f.UncompressedSize64, lim)
		}
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
	}
	var (
		pe *fs.PathError
		fe *FileError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &pe):
		return fmt.Errorf("ingest: read workbook: %w", err)
	}
	return fileErr(RFileUnreadable, "the workbook is damaged (one of its parts fails its checksum or is cut short): open it in Excel and save it again")
}

// tokenLimiter stands between a part and the XML decoder and fails a read
// once the token being decoded has taken more than maxXMLToken bytes: the
// decoder holds a whole token in memory before returning it.
type tokenLimiter struct {
	r          io.Reader
	read       int64 // bytes handed to the decoder
	tokenStart int64 // the decoder's offset when the current token began
	tripped    bool  // the limit was hit: whatever the decoder says next is its echo
}

var errTokenTooLong = errors.New("ingest: an XML token longer than the limit")

func (l *tokenLimiter) Read(p []byte) (int, error) {
	if l.read-l.tokenStart > maxXMLToken {
		l.tripped = true
		return 0, errTokenTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// partStats is what a part adds to what excelize will hold.
type partStats struct {
	sharedStrings int64 // <si> items of a shared-string table
	sheetCells    int64 // cells of a sheet, counting the blanks left of each row's last cell
	rowCells      int64 // the current row's cells so far, by the same count
}

// checkXMLPart reads one part as XML the way excelize should: every error is
// fatal, DTDs are refused (the OPC rules forbid them in a package), and the
// shared strings and the cells of a sheet are counted against their limits.
// RawToken, with the nesting checked here, spares Token's name-space
// translation, which nothing here needs; the pass reads ~30 MB of XML a
// second.
func checkXMLPart(r io.Reader, part string, size uint64, lim Limits) error {
	lr := &tokenLimiter{r: r}
	d := xml.NewDecoder(lr)
	d.CharsetReader = charsetReader
	var (
		stack []xml.Name // the open elements
		root  string
		st    partStats
	)
	for {
		lr.tokenStart = d.InputOffset()
		tok, err := d.RawToken()
		if lr.tripped {
			err = errTokenTooLong
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return xmlFault(err, part)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case len(stack) == 0 && root != "":
				return damagedXML("a second root element", part)
			case len(stack) == maxXMLDepth:
				return damagedXML(fmt.Sprintf("elements nested more than %d deep", maxXMLDepth), part)
			case len(t.Name.Space)+len(t.Name.Local) > maxXMLName:
				return damagedXML(fmt.Sprintf("an element name longer than %d bytes", maxXMLName), part)
			}
			stack = append(stack, t.Name)
			if len(stack) == 1 {
				root = t.Name.Local
				if root == "sst" && size > uint64(lim.MaxSharedStringsBytes) {
					return fileErr(RFileUnreadable, "the workbook's shared strings unpack to more than the %s limit", byteSize(lim.MaxSharedStringsBytes))
				}
			}
			if err := st.start(root, stack, t, lim); err != nil {
				return err
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name {
				return damagedXML("end tags crossed", part)
			}
			if err := st.end(root, stack, lim); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
		case xml.Directive:
			return damagedXML("a document type declaration (DOCTYPE), which no spreadsheet program writes", part)
		}
	}
	switch {
	case root == "":
		return damagedXML("no XML at all", part)
	case len(stack) > 0:
		return damagedXML("the part ends inside an element", part)
	}
	return nil
}

// start counts a shared string or a sheet cell as it opens.
func (st *partStats) start(root string, stack []xml.Name, t xml.StartElement, lim Limits) error {
	switch {
	case root == "sst" && len(stack) == 2 && t.Name.Local == "si":
		if st.sharedStrings++; st.sharedStrings > int64(lim.MaxSharedStrings) {
			return fileErr(RFileUnreadable, "the workbook holds more than %d distinct strings (its shared strings), the limit", lim.MaxSharedStrings)
		}
	case root == "worksheet" && len(stack) == 3 && t.Name.Local == "row":
		st.rowCells = 0
	case root == "worksheet" && len(stack) == 4 && t.Name.Local == "c":
		// excelize lays a row out up to its last cell, blanks included: a
		// lone cell in column XFD costs 16,384 cells.
		col := st.rowCells + 1
		for _, a := range t.Attr {
			if a.Name.Local == "r" {
				if c := refColumn(a.Value); c > 0 {
					col = c
				}
			}
		}
		st.rowCells = max(st.rowCells, col)
	}
	return nil
}

// end adds a closing row's cells to the sheet's.
func (st *partStats) end(root string, stack []xml.Name, lim Limits) error {
	if root == "worksheet" && len(stack) == 3 && stack[2].Local == "row" {
		if st.sheetCells += st.rowCells; st.sheetCells > lim.MaxSheetCells {
			return fileErr(RFileUnreadable, "a sheet of the workbook spans more than %d cells (counting the empty cells left of each row's last one), the limit", lim.MaxSheetCells)
		}
	}
	return nil
}

// refColumn is the column number of a cell reference such as "AB12" (0 when
// it has no letters). Columns past XFD are excelize's to refuse.
func refColumn(ref string) int64 {
	var col int64
	for i := 0; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int64(c-'a'+1)
	}
	return col
}

// charsetReader decodes a part that declares an encoding other than UTF-8,
// as excelize does.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("ingest: XML part in encoding %q: %w", label, err)
	}
	return enc.NewDecoder().Reader(r), nil
}

// xmlFault maps what the strict reader met to a refusal; the message names
// no cell value, which could be personal data.
func xmlFault(err error, part string) error {
	var (
		se *xml.SyntaxError
		pe *fs.PathError
	)
	switch {
	case errors.Is(err, errTokenTooLong):
		return damagedXML(fmt.Sprintf("a cell or tag longer than %s, where Excel writes 32,767 characters at most", byteSize(maxXMLToken)), part)
	case errors.As(err, &se):
		return fileErr(RFileUnreadable, "the workbook is damaged (XML syntax error on line %d of %s: %s): open it in Excel and save it again", se.Line, part, syntaxReason(se.Msg))
	case errors.As(err, &pe):
		return err
	}
	// A checksum or a stream that ends early: checkZipPart words it.
	return err
}

// syntaxReason keeps what kind of fault encoding/xml found, and drops the
// quoted characters that may come from a cell.
func syntaxReason(msg string) string {
	for _, k := range []struct{ prefix, reason string }{
		{"invalid character entity", "an undefined entity"},
		{"illegal character code", "a character XML forbids"},
		{"unexpected EOF", "the part ends inside an element"},
		{"element <", "end tags crossed"},
		{"unexpected end element", "an end tag with no start"},
		{"invalid UTF-8", "invalid UTF-8"},
	} {
		if strings.HasPrefix(msg, k.prefix) {
			return k.reason
		}
	}
	return "malformed XML"
}

// partLabel names a part in a message: its name when that is short and
// plain, as a spreadsheet program names its parts, else "one of its parts".
func partLabel(name string) string {
	if len(name) > 64 {
		return "one of its parts"
	}
	for _, c := range name {
		if !(c == '/' || c == '.' || c == '_' || c == '-' || c == '[' || c == ']' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return "one of its parts"
		}
	}
	return "part " + name
}

func damagedXML(what, part string) *FileError {
	return fileErr(RFileUnreadable, "the workbook is damaged (in %s: %s): open it in Excel and save it again", part, what)
}
