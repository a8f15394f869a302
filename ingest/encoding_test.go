package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestEncodingDetect(t *testing.T) {
	le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder()
	be := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder()
	gb := simplifiedchinese.GB18030.NewEncoder()
	tests := []struct {
		name string
		data []byte
		enc  string
		skip int64
	}{
		{"ascii", []byte("a,b\n1,2\n"), encUTF8, 0},
		{"utf-8", []byte("姓名,手机\n张伟,1\n"), encUTF8, 0},
		{"utf-8 bom", []byte("\xEF\xBB\xBF姓名\n"), encUTF8BOM, 3},
		{"utf-16le bom", append([]byte{0xFF, 0xFE}, mustEncode(t, "姓名\n", le)...), encUTF16LE, 2},
		{"utf-16be bom", append([]byte{0xFE, 0xFF}, mustEncode(t, "姓名\n", be)...), encUTF16BE, 2},
		{"utf-16le no bom", mustEncode(t, "guest_id,姓名\r\nG1,张伟\r\n", le), encUTF16LE, 0},
		{"utf-16be no bom", mustEncode(t, "guest_id,姓名\r\nG1,张伟\r\n", be), encUTF16BE, 0},
		{"gbk", mustEncode(t, "姓名,手机\n张伟,1\n", gb), encGB18030, 0},
		// 隆垄拢 in GBK is C2A1 C2A2 C2A3: three well-formed UTF-8 characters,
		// fewer than utf8Evidence, before 张 breaks the spell.
		{"gbk that starts like utf-8", mustEncode(t, "隆垄拢张,姓名\n", gb), encGB18030, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.data[:min(len(tt.data), sniffLen)]
			enc, skip, err := detectEncoding(bytes.NewReader(tt.data), int64(len(tt.data)), head)
			if err != nil || enc != tt.enc || skip != tt.skip {
				t.Errorf("detectEncoding = %q, %d, %v; want %q, %d", enc, skip, err, tt.enc, tt.skip)
			}
		})
	}
}

func TestEncodingScanAcrossChunks(t *testing.T) {
	// A three-byte character across every possible chunk boundary.
	for shift := 0; shift < 3; shift++ {
		data := append(bytes.Repeat([]byte("a"), scanChunk-1-shift), "张伟\n"...)
		s, err := scanUTF8(bytes.NewReader(data), 0, int64(len(data)))
		if err != nil || s.bad >= 0 {
			t.Errorf("shift %d: scan = %+v, %v; want valid", shift, s, err)
		}
	}
	// A file that ends inside a character.
	data := append(bytes.Repeat([]byte("a\n"), scanChunk), 0xE5, 0xBC)
	s, err := scanUTF8(bytes.NewReader(data), 0, int64(len(data)))
	if err != nil || s.bad != int64(len(data)-2) || s.badLine != scanChunk+1 {
		t.Errorf("scan = %+v, %v; want bad at %d, line %d", s, err, len(data)-2, scanChunk+1)
	}
}

func TestEncodingTextCheckSplitReads(t *testing.T) {
	// One byte at a time, every character arrives in pieces: none may be
	// taken for an invalid one, and the text must pass unchanged.
	text := strings.Repeat("客户编号,姓名,Émile\u3000😀\n", 50)
	c := newTextCheck(iotest.OneByteReader(strings.NewReader(text)), encUTF8, int64(len(text)))
	got, err := io.ReadAll(c)
	if err != nil || string(got) != text {
		t.Fatalf("ReadAll = %d bytes, %v", len(got), err)
	}
	if c.lines != 50 {
		t.Errorf("lines = %d, want 50", c.lines)
	}
}

func TestEncodingTextCheckRefuses(t *testing.T) {
	tests := []struct {
		name, text string
		code, part string
	}{
		{"invalid utf-8", "a\nb\xffc\n", RFileEncoding, "line 2"},
		{"replacement character", "a\nb\n\uFFFD\n", RFileEncoding, "line 3"},
		{"replacement character after invalid bytes", "a\n\xff\uFFFD\n", RFileEncoding, "not valid UTF-8 (line 2)"},
		{"NUL", "a\x00\n", RFileUnreadable, "NUL"},
		{"cut inside a character", "a\n\xE5\xBC", RFileEncoding, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.ReadAll(newTextCheck(iotest.HalfReader(strings.NewReader(tt.text)), encUTF8, int64(len(tt.text))))
			wantFileError(t, err, tt.code, tt.part)
		})
	}
}
