package ingest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRowReasonsAreEveryRowCodeDeclared reads types.go itself: a row code
// added there and forgotten in RowReasons would be refused as a filter.
func TestRowReasonsAreEveryRowCodeDeclared(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "types.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
			return true
		}
		name := vs.Names[0].Name
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || !(strings.HasPrefix(name, "R") || strings.HasPrefix(name, "W")) || strings.HasPrefix(name, "RFile") {
			return true
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		if v == strings.ToUpper(v) && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
			declared = append(declared, v)
		}
		return true
	})
	got := slices.Sorted(slices.Values(RowReasons()))
	slices.Sort(declared)
	if !slices.Equal(got, declared) || len(got) < 16 {
		t.Errorf("RowReasons %v\ndeclared   %v", got, declared)
	}
}

func TestParseRowReason(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"UNKNOWN_GUEST", "UNKNOWN_GUEST"},
		{"unknown_guest", "UNKNOWN_GUEST"},
		{" Invalid_Mobile ", "INVALID_MOBILE"},
	} {
		if got, err := ParseRowReason(c.in); err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "unknown guest", "UNKNOWN_GEUST", "FILE_EMPTY", "unknown_guest;drop", "ınvalid_mobile", "BAD_ROW\u212a"} {
		_, err := ParseRowReason(bad)
		if err == nil || !strings.Contains(err.Error(), "UNKNOWN_GUEST, UNKNOWN_STAY") || !strings.Contains(err.Error(), "INVALID_MOBILE") {
			t.Errorf("%q: %v, want an error listing the codes", bad, err)
		}
	}
}

// FuzzParseRowReason: whatever is typed, the answer is a stored code equal
// to the input up to case and spaces, or an error.
func FuzzParseRowReason(f *testing.F) {
	for _, s := range []string{"unknown_guest", "BAD_ROW", "", "ınvalid_mobile", "ſ", "bad_\u212aey"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseRowReason(s)
		if err != nil {
			return
		}
		if !slices.Contains(RowReasons(), code) || strings.ToUpper(strings.TrimSpace(s)) != code {
			t.Errorf("%q read as %q", s, code)
		}
	})
}
