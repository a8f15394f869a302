package api

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxUploadName is the longest file name an upload may carry, in bytes:
// what the file systems the staging area lives on hold (ext4, XFS, APFS:
// 255). A longer one is refused, not shortened: the name is what the
// imports list and the manifest show, and an admin must find there the
// file they sent, not a cut one that may clash with another's.
const maxUploadName = 255

// nameProblem says why an uploaded file's name is refused.
type nameProblem int

const (
	nameOK      nameProblem = iota
	nameMissing             // no name, or only a folder
	nameTooLong             // over maxUploadName bytes
	nameNotText             // not UTF-8, or with control or bidi-override characters
)

// apiMessage is the problem as the API's 400 says it; the name itself is
// never repeated (it may be a guest's, and it goes to no log).
func (p nameProblem) apiMessage() string {
	switch p {
	case nameMissing:
		return `each "file" part needs a file name`
	case nameTooLong:
		return "a file name may be at most 255 bytes"
	default:
		return "a file name must be UTF-8 text without control characters"
	}
}

// pageMessage is the key of the problem's text on the imports page.
func (p nameProblem) pageMessage() string {
	switch p {
	case nameMissing:
		return "imp.no_name"
	case nameTooLong:
		return "imp.name_long"
	default:
		return "imp.name_bad"
	}
}

// uploadName is the base name of an uploaded file, with any folder a
// client sent stripped (both separators), and whether it can be a file's
// name here: it becomes a file in the staging area and the name the
// manifest keeps (DuckDB refuses invalid UTF-8).
func uploadName(name string) (string, nameProblem) {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	switch {
	case name == "" || name == "." || name == "..":
		return "", nameMissing
	case len(name) > maxUploadName:
		return "", nameTooLong
	case !utf8.ValidString(name) || strings.IndexFunc(name, notInName) >= 0:
		return "", nameNotText
	}
	return name, nameOK
}

// notInName: control characters (NUL among them) and the bidi controls
// that make a name read other than it is (U+202E turns "gpj.exe" around).
func notInName(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
