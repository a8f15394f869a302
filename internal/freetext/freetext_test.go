package freetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNoteAndLineDropControlAndBidiCharacters(t *testing.T) {
	cases := []struct{ in, note, line string }{
		{"客人很满意", "客人很满意", "客人很满意"},
		{"NUL\x00here", "NULhere", "NULhere"},
		{"paid\u202Edlrow", "paiddlrow", "paiddlrow"},
		{"\u2066isolated\u2069 \u202Aembed\u202C", "isolated embed", "isolated embed"},
		{"line one\r\nline two\rthree\n\ttabbed", "line one\nline two\nthree\n\ttabbed", "line one  line two three  tabbed"},
		{"\x1b[31mred\x1b[0m", "[31mred[0m", "[31mred[0m"},
		{"C1\u0085\u009bend", "C1end", "C1end"},
		{"  王芳\t ", "  王芳\t ", "王芳"},
		{"bad \xff byte", "bad \uFFFD byte", "bad \uFFFD byte"},
		// Marks that are not overrides stay: an Arabic or Hebrew name
		// needs its own direction, and U+200E/U+200F only nudge.
		{"שלום \u200F!", "שלום \u200F!", "שלום \u200F!"},
	}
	for _, c := range cases {
		if got := Note(c.in); got != c.note {
			t.Errorf("Note(%q) = %q, want %q", c.in, got, c.note)
		}
		if got := Line(c.in); got != c.line {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
		}
	}
}

// FuzzNote checks Note and Line against a second, plainer reading of the
// policy: runes decoded one by one, line ends folded first, then a filter
// by the Unicode tables and the listed bidi code points.
func FuzzNote(f *testing.F) {
	for _, s := range []string{"", "ok", "a\x00b", "\u202E\u2066x", "\r\n\r\r\n", "\xff\xfe", "王\t芳\n", "\x7f\u0080\u009f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		note, line := Note(s), Line(s)
		if want := oracle(s, true); note != want {
			t.Fatalf("Note(%q) = %q, want %q", s, note, want)
		}
		if want := strings.TrimSpace(oracle(s, false)); line != want {
			t.Fatalf("Line(%q) = %q, want %q", s, line, want)
		}
		for _, out := range []string{note, line} {
			if !utf8.ValidString(out) || Note(out) != out {
				t.Fatalf("not clean or not stable: %q", out)
			}
		}
		if strings.ContainsAny(line, "\n\t") {
			t.Fatalf("Line kept a line break or tab: %q", line)
		}
	})
}

var bidi = map[rune]bool{0x202A: true, 0x202B: true, 0x202C: true, 0x202D: true, 0x202E: true,
	0x2066: true, 0x2067: true, 0x2068: true, 0x2069: true}

func oracle(s string, multiline bool) string {
	rs := []rune(s) // one U+FFFD per invalid byte, as range does
	var out []rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\r' {
			if i+1 < len(rs) && rs[i+1] == '\n' {
				if !multiline {
					out = append(out, ' ')
				}
				continue
			}
			r = '\n'
		}
		switch {
		case r == '\n' || r == '\t':
			if !multiline {
				r = ' '
			}
			out = append(out, r)
		case unicode.Is(unicode.Cc, r), bidi[r]:
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
