package ingest

import (
	"fmt"
	"strings"
)

// RowReasons are the reason codes a kept row may carry: the row rejections
// and the warnings, in the order they are declared. File-level refusals
// (FILE_*) are not among them: a refused file keeps no rows.
func RowReasons() []string {
	return []string{
		RMissingKey, RMissingValue, RBadDate, RBadAmount, RBadNumber, RImpossibleDates, RScoreOutOfRange,
		RUnknownGuest, RUnknownStay, RDuplicateInFile, RBadRow, RSuppressed,
		WInvalidMobile, WInvalidIDNumber, WInvalidEmail, WBadOptional, WUnknownButler,
	}
}

// ParseRowReason reads a row reason code as people type it (unknown_guest,
// Unknown_Guest) and returns it as stored (UNKNOWN_GUEST). A code that is
// not one is an error listing those that are: a filter on a misspelt code
// would otherwise answer nothing, which reads as "no such rows".
func ParseRowReason(s string) (string, error) {
	code := strings.TrimSpace(s)
	for _, r := range RowReasons() {
		if asciiEqualFold(code, r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown reason code %q: want one of %s", s, strings.Join(RowReasons(), ", "))
}

// asciiEqualFold is strings.EqualFold for ASCII letters only: Unicode
// folding would take the Kelvin sign for a K and a dotless ı for an I.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
