package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// csvReader reads a delimited text export in any of the encodings of
// encoding.go. It keeps memory constant: the text streams through textCheck
// and encoding/csv, which allocates one string per record.
type csvReader struct {
	name   string
	enc    string
	lim    Limits
	closer io.Closer

	chk   *textCheck
	cr    *csv.Reader
	comma rune
	// base is the decoded text consumed before the csv.Reader started (a
	// "sep=" line) and lineOffset the lines it held.
	base       int64
	lineOffset int

	header []string
	row    []string
	line   int
}

// csvBuffer is the read buffer; it also bounds the head sniffed for "sep="
// and the delimiter.
const csvBuffer = 64 << 10

func openCSV(name string, r io.ReaderAt, size int64, lim Limits, head []byte, closer io.Closer) (Reader, error) {
	enc, skip, err := detectEncoding(r, size, head)
	if err != nil {
		return nil, err
	}
	x := &csvReader{name: name, enc: enc, lim: lim, closer: closer}
	x.chk = newTextCheck(decodedStream(r, size, skip, enc), enc, size)
	// Decoded text can be up to 3/2 the bytes (GB18030 → UTF-8); the
	// buffer need not be larger, and csv reuses it when it holds 4 KiB.
	bufSize := int(min(csvBuffer, max(4096, size*3/2+16)))
	br := bufio.NewReaderSize(x.chk, bufSize)
	peek, err := br.Peek(bufSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, x.fatal(err)
	}
	comma, sepLine := sepDirective(peek)
	if sepLine > 0 {
		if _, err := br.Discard(sepLine); err != nil {
			return nil, x.fatal(err)
		}
		x.base, x.lineOffset = int64(sepLine), 1
	} else {
		comma = sniffDelimiter(peek)
	}
	x.comma = comma
	x.cr = csv.NewReader(br) // br is large enough that csv uses it as is
	x.cr.Comma = comma
	x.cr.ReuseRecord = true
	x.cr.FieldsPerRecord = -1
	x.setRecordCap(0)
	if err := x.readHeader(); err != nil {
		return nil, err
	}
	x.setRecordCap(len(x.header))
	return x, nil
}

// setRecordCap bounds the bytes of one record: every cell at its limit, and
// at least a mebibyte.
func (x *csvReader) setRecordCap(width int) {
	x.chk.recordCap = max(int64(x.lim.MaxCellBytes)*int64(max(width, 16)), 1<<20)
}

// readHeader takes the first non-blank record as the header.
func (x *csvReader) readHeader() error {
	for {
		rec, err := x.cr.Read()
		x.markRecord()
		if err == io.EOF {
			return fileErr(RFileEmpty, "the file has no header line, only blank lines")
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fileErr(RFileUnreadable, "the header (line %d) cannot be split into cells: a double quote \" is misplaced", pe.StartLine+x.lineOffset)
		}
		if err != nil {
			return x.fatal(err)
		}
		line, _ := x.cr.FieldPos(0)
		x.line = line + x.lineOffset
		header, blank := foldHeader(rec)
		if blank {
			continue
		}
		for _, c := range header {
			if len(c) > x.lim.MaxCellBytes {
				return fileErr(RFileUnreadable, "the header (line %d) has a cell longer than %s: it is not a header", x.line, byteSize(int64(x.lim.MaxCellBytes)))
			}
		}
		x.header = header
		x.row = make([]string, 0, len(header))
		x.chk.capLine = x.line
		return nil
	}
}

// markRecord tells the text check where the next record starts.
func (x *csvReader) markRecord() {
	x.chk.recordStart = x.base + x.cr.InputOffset()
	x.chk.capLine = x.line
}

func (x *csvReader) Next() ([]string, error) {
	for {
		rec, err := x.cr.Read()
		x.markRecord()
		if err != nil {
			return nil, x.readError(err)
		}
		line, _ := x.cr.FieldPos(0)
		x.line = line + x.lineOffset
		x.chk.capLine = x.line
		row, blank, long, fits := shapeRow(x.row, rec, len(x.header), x.lim.MaxCellBytes)
		x.row = row
		switch {
		case blank:
			continue
		case long >= 0:
			return nil, &RowError{Line: x.line, Code: RBadRow,
				Msg: fmt.Sprintf("cell %d is longer than %s", long+1, byteSize(int64(x.lim.MaxCellBytes)))}
		case !fits:
			return nil, &RowError{Line: x.line, Code: RBadRow,
				Msg: fmt.Sprintf("the line has more cells than the header's %d: a value probably holds an unquoted %s", len(x.header), delimName(x.comma))}
		}
		return row, nil
	}
}

// readError turns an error of csv.Reader into what Next returns.
func (x *csvReader) readError(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return x.fatal(err)
	}
	x.line = pe.StartLine + x.lineOffset
	// encoding/csv resumes after the bad record, which is fine for a stray
	// quote on one line; but an opening quote that is never closed makes
	// the rest of the file one record, and one BAD_ROW would hide them all.
	if pe.Line > pe.StartLine && x.chk.atEOF() && x.base+x.cr.InputOffset() == x.chk.delivered {
		return fileErr(RFileUnreadable, "line %d opens a quoted cell that is never closed, so the %d lines after it cannot be split into rows: fix the stray \" and export again",
			x.line, pe.Line-pe.StartLine)
	}
	return &RowError{Line: x.line, Code: RBadRow, Msg: "a double quote \" is misplaced: quote the whole cell, or double the quote inside it"}
}

// fatal passes a *FileError through and labels any other (I/O) error.
func (x *csvReader) fatal(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return fmt.Errorf("ingest: read %s: %w", x.name, err)
}

func (x *csvReader) Header() []string { return x.header }
func (x *csvReader) Line() int        { return x.line }
func (x *csvReader) Format() string   { return "csv" }
func (x *csvReader) Encoding() string { return x.enc }
func (x *csvReader) Date1904() bool   { return false }

func (x *csvReader) Close() error {
	if x.closer == nil {
		return nil
	}
	c := x.closer
	x.closer = nil
	return c.Close()
}

// sepDirective recognises Excel's "sep=X" first line, which names the
// delimiter and is not part of the data. It returns the delimiter and the
// length of the line to skip (0 when there is none).
func sepDirective(text []byte) (comma rune, skip int) {
	nl := bytes.IndexByte(text, '\n')
	if nl < 0 {
		return ',', 0
	}
	line := bytes.TrimRight(text[:nl], "\r")
	line = bytes.Trim(line, `"`)
	if len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return ',', 0
	}
	r, n := utf8.DecodeRune(line[4:])
	if 4+n != len(line) || !validComma(r) {
		return ',', 0
	}
	return r, nl + 1
}

// validComma mirrors what encoding/csv accepts as a delimiter.
func validComma(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

// sniffDelimiter picks, among comma, tab and semicolon, the one that splits
// the first non-empty line into the most cells (comma on a tie).
func sniffDelimiter(text []byte) rune {
	var line []byte
	for len(text) > 0 {
		nl := bytes.IndexByte(text, '\n')
		if nl < 0 {
			line, text = text, nil
		} else {
			line, text = text[:nl], text[nl+1:]
		}
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	var counts [3]int
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			counts[0]++
		case c == '\t':
			counts[1]++
		case c == ';':
			counts[2]++
		}
	}
	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return [3]rune{',', '\t', ';'}[best]
}

// delimName names a delimiter in messages.
func delimName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	}
	return fmt.Sprintf("%q", r)
}
