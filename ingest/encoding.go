package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text encodings a CSV export may arrive in, as Reader.Encoding names them.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	encGB18030 = "gb18030"
)

// encLabel is how an encoding is named to the user.
func encLabel(enc string) string {
	switch enc {
	case encUTF8, encUTF8BOM:
		return "UTF-8"
	case encUTF16LE:
		return "UTF-16LE"
	case encUTF16BE:
		return "UTF-16BE"
	}
	return "GB18030/GBK"
}

// utf8Evidence is how many well-formed multi-byte UTF-8 characters before the
// first invalid byte make a file "UTF-8 with damage" rather than GBK. GBK text
// read as UTF-8 breaks within a character or two (a GBK pair is well-formed
// UTF-8 about one time in twelve), so four in a row do not happen by chance.
const utf8Evidence = 4

// detectEncoding decides the text encoding of a CSV file and how many BOM bytes
// to skip. Order: BOM, then UTF-16 by its NUL pattern, then binary junk, then a
// scan of the whole file for UTF-8 validity (a file whose first megabytes are
// ASCII may still hold GBK names further down), else GB18030.
func detectEncoding(r io.ReaderAt, size int64, head []byte) (enc string, skip int64, err error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		scan, err := scanUTF8(r, 3, size)
		if err != nil {
			return "", 0, err
		}
		if scan.bad >= 0 {
			return "", 0, badEncoding(encUTF8BOM, scan.badLine)
		}
		return encUTF8BOM, 3, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE, 2, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE, 2, nil
	}
	if enc := guessUTF16(head); enc != "" {
		return enc, 0, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", 0, fileErr(RFileUnreadable, "the file is binary data, not a CSV or XLSX export")
	}
	scan, err := scanUTF8(r, 0, size)
	if err != nil {
		return "", 0, err
	}
	switch {
	case scan.bad < 0:
		return encUTF8, 0, nil
	case scan.multibyte >= utf8Evidence:
		return "", 0, badEncoding(encUTF8, scan.badLine)
	}
	return encGB18030, 0, nil
}

// guessUTF16 recognises UTF-16 without a BOM from its NUL bytes: the high
// byte of every ASCII character (delimiters and line ends at least) is zero,
// always on the same side.
func guessUTF16(head []byte) string {
	var even, odd int
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := len(head) / 2
	enough := max(2, pairs/50)
	switch {
	case odd >= enough && even*8 <= odd:
		return encUTF16LE
	case even >= enough && odd*8 <= even:
		return encUTF16BE
	}
	return ""
}

// badEncoding is the refusal for a file whose bytes are not valid in enc.
func badEncoding(enc string, line int) *FileError {
	where := ""
	if line > 0 {
		where = fmt.Sprintf(" (line %d)", line)
	}
	if enc == encGB18030 {
		return fileErr(RFileEncoding, "the file is neither valid UTF-8 nor valid GB18030/GBK%s: save it as UTF-8 or GB18030", where)
	}
	return fileErr(RFileEncoding, "the file is not valid %s%s: save it as UTF-8 or GB18030", encLabel(enc), where)
}

// utf8Scan is what scanUTF8 found: the offset of the first invalid byte (-1
// when none), its line, and how many multi-byte characters came before it.
type utf8Scan struct {
	bad       int64
	badLine   int
	multibyte int
}

// scanChunk is the read size of the whole-file scans.
const scanChunk = 1 << 20

// scanUTF8 checks r[off:size] for UTF-8 validity in constant memory. Only on
// failure does it go over the prefix again, to count lines and the evidence
// that the file is UTF-8 after all.
func scanUTF8(r io.ReaderAt, off, size int64) (utf8Scan, error) {
	buf := make([]byte, min(scanChunk, size-off)+utf8.UTFMax)
	carry := 0
	pos := off // file offset of buf[0]
	for pos+int64(carry) < size {
		n, err := r.ReadAt(buf[carry:carry+int(min(scanChunk, size-pos-int64(carry)))], pos+int64(carry))
		if err != nil && !errors.Is(err, io.EOF) {
			return utf8Scan{}, fmt.Errorf("ingest: scan encoding: %w", err)
		}
		if n == 0 {
			break
		}
		end := carry + n
		cut := end
		if pos+int64(end) < size {
			cut = completeRunes(buf[:end])
		}
		if !utf8.Valid(buf[:cut]) {
			return describeBadUTF8(r, off, pos+int64(firstInvalid(buf[:cut])))
		}
		carry = copy(buf, buf[cut:end])
		pos += int64(cut)
	}
	if carry > 0 {
		return describeBadUTF8(r, off, pos)
	}
	return utf8Scan{bad: -1}, nil
}

// describeBadUTF8 goes over r[off:bad] again to count the lines before the
// invalid byte at bad and the multi-byte characters (up to utf8Evidence).
func describeBadUTF8(r io.ReaderAt, off, bad int64) (utf8Scan, error) {
	s := utf8Scan{bad: bad, badLine: 1}
	buf := make([]byte, min(scanChunk, bad-off))
	for pos := off; pos < bad; {
		n, err := r.ReadAt(buf[:min(scanChunk, bad-pos)], pos)
		if err != nil && !errors.Is(err, io.EOF) {
			return s, fmt.Errorf("ingest: scan encoding: %w", err)
		}
		if n == 0 {
			break
		}
		chunk := buf[:n]
		s.badLine += bytes.Count(chunk, []byte{'\n'})
		if s.multibyte < utf8Evidence {
			// The prefix is valid UTF-8, so a rune never straddles chunks
			// except at the very end, where counting lead bytes is exact.
			for _, c := range chunk {
				if c >= 0xC0 {
					s.multibyte++
				}
			}
		}
		pos += int64(n)
	}
	return s, nil
}

// completeRunes returns the length of the longest prefix of b that does not
// end inside a (possibly) valid multi-byte character.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// firstInvalid returns the offset of the first byte of b that is not part of a
// valid UTF-8 character, or len(b).
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// decodedStream returns the file's text from offset skip on, decoded to UTF-8.
// Decoders replace what they cannot decode with U+FFFD; textCheck refuses it.
func decodedStream(r io.ReaderAt, size, skip int64, enc string) io.Reader {
	src := io.NewSectionReader(r, skip, size-skip)
	switch enc {
	case encUTF16LE:
		return transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(src, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	case encGB18030:
		return transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder())
	}
	return src
}

// textCheck passes decoded text through and refuses what must never be
// loaded: invalid UTF-8, U+FFFD (what a decoder writes for bytes it could not
// decode: mojibake), and NUL (binary data, or a file padded with zeros by an
// interrupted copy). It also counts lines for messages and bounds how much
// one CSV record may read (an unclosed quote would swallow the whole file).
type textCheck struct {
	src io.Reader
	enc string
	buf []byte
	// buf[r:ok] is checked and not yet read; buf[ok:w] ends inside a
	// character and waits for the next fill.
	r, ok, w int
	err      error // sticky: io.EOF, a *FileError, or a read error
	lines    int   // line breaks in the checked text

	delivered   int64 // bytes handed to the reader
	recordStart int64 // offset where the current CSV record starts
	recordCap   int64 // bytes one record may take (0: unbounded)
	capLine     int   // line after which the record started, for the message
}

var fffd = []byte("\uFFFD")

// newTextCheck checks the text of src; size (the file's, or less) only keeps
// the buffer small for small files.
func newTextCheck(src io.Reader, enc string, size int64) *textCheck {
	return &textCheck{src: src, enc: enc, buf: make([]byte, min(64<<10, size+2*utf8.UTFMax))}
}

func (c *textCheck) Read(p []byte) (int, error) {
	for c.r == c.ok {
		if c.err != nil {
			return 0, c.err
		}
		c.fill()
	}
	// The bufio.Reader above reads ahead by up to csvBuffer.
	if c.recordCap > 0 && c.delivered-c.recordStart > c.recordCap+csvBuffer {
		c.err = fileErr(RFileUnreadable, "a row starting after line %d is longer than %s: a quoted cell is probably never closed (a stray \" character); fix the quote and export again",
			c.capLine, byteSize(c.recordCap))
		c.r, c.ok = 0, 0
		return 0, c.err
	}
	n := copy(p, c.buf[c.r:c.ok])
	c.r += n
	c.delivered += int64(n)
	return n, nil
}

// fill reads more text and checks it.
func (c *textCheck) fill() {
	pending := copy(c.buf, c.buf[c.ok:c.w])
	c.r, c.ok, c.w = 0, 0, pending
	n, err := c.src.Read(c.buf[c.w:])
	c.w += n
	cut := c.w
	if err == nil {
		cut = completeRunes(c.buf[:c.w])
	}
	text := c.buf[:cut]
	if bad := c.firstBad(text); bad >= 0 {
		line := c.lines + 1 + bytes.Count(text[:bad], []byte{'\n'})
		switch {
		case text[bad] == 0:
			c.err = fileErr(RFileUnreadable, "line %d holds NUL bytes: the file is damaged or binary, not a text export", line)
		case (c.enc == encUTF8 || c.enc == encUTF8BOM) && bytes.HasPrefix(text[bad:], fffd):
			c.err = fileErr(RFileEncoding, "line %d holds the replacement character \uFFFD left by an earlier failed conversion: export the file again from the source and save it as UTF-8 or GB18030", line)
		default:
			c.err = badEncoding(c.enc, line)
		}
		c.w = 0
		return
	}
	c.lines += bytes.Count(text, []byte{'\n'})
	c.ok = cut
	if err != nil {
		// At the end cut is c.w: a character left unfinished by the
		// file's last bytes was refused above as invalid UTF-8.
		c.err = err
	}
}

// firstBad returns the offset of the first invalid, U+FFFD or NUL byte in
// text, or -1. The fast path is three vectorised scans.
func (c *textCheck) firstBad(text []byte) int {
	if utf8.Valid(text) && bytes.IndexByte(text, 0) < 0 && !bytes.Contains(text, fffd) {
		return -1
	}
	bad := firstInvalid(text)
	if i := bytes.IndexByte(text, 0); i >= 0 && i < bad {
		bad = i
	}
	if i := bytes.Index(text, fffd); i >= 0 && i < bad {
		bad = i
	}
	return bad
}

// atEOF reports whether every byte of the text has been handed out.
func (c *textCheck) atEOF() bool { return c.err == io.EOF && c.r == c.ok }
