// Package freetext makes text people type safe to store and show again:
// the one policy for every free text the warehouse keeps (call notes, case
// notes, reasons, staff and token names, audit fields).
//
// Control characters go (a NUL cuts a string short in C-based readers, an
// escape sequence repaints a terminal that shows a log), and so do the
// bidirectional overrides and isolates, U+202A–U+202E and U+2066–U+2069,
// which make "2026-11-26 ok" read as something else on screen (the
// "Trojan Source" trick). A note keeps its line breaks and tabs; a one-line
// value (a name) turns them into spaces.
package freetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsBidiControl reports the bidirectional embedding, override and isolate
// characters (U+202A–U+202E, U+2066–U+2069), which reorder what follows
// them on screen.
func IsBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// Note is s as a multi-line note may be stored: without control characters
// other than \n and \t (a \r\n or a lone \r becomes \n), without bidi
// controls, and with invalid UTF-8 as U+FFFD. Text that needs none of this
// is returned as is.
func Note(s string) string { return clean(s, true) }

// Line is s as a one-line value (a name) may be stored: as Note, but with
// \n and \t as spaces, and trimmed.
func Line(s string) string { return strings.TrimSpace(clean(s, false)) }

func clean(s string, multiline bool) string {
	if isClean(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if multiline && !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			} else if !multiline {
				b.WriteByte(' ')
			}
		case r == '\n' || r == '\t':
			if multiline {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsControl(r), IsBidiControl(r):
		default:
			b.WriteRune(r) // an invalid byte was decoded as U+FFFD and is written so
		}
	}
	return b.String()
}

// isClean reports whether clean would return s unchanged.
func isClean(s string, multiline bool) bool {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
			if !multiline {
				return false
			}
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		case unicode.IsControl(r), IsBidiControl(r):
			return false
		}
	}
	return true
}
