package roles

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The roles are what tokens and staff accounts store: a stored role that
// stops being valid locks its holders out, so the words are pinned here.
func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role       string
		valid      bool
		needsStaff bool
	}{
		{"admin", true, false},
		{"manager", true, false},
		{"marketing", true, false},
		{"butler", true, true},
		{"lead", true, true},
		{"", false, false},
		{"Admin", false, false},
		{"owner", false, false},
		{" admin", false, false},
	} {
		if got := Valid(tc.role); got != tc.valid {
			t.Errorf("Valid(%q) = %v, want %v", tc.role, got, tc.valid)
		}
		if got := NeedsStaff(tc.role); got != tc.needsStaff {
			t.Errorf("NeedsStaff(%q) = %v, want %v", tc.role, got, tc.needsStaff)
		}
	}
	all := All()
	if strings.Join(all, " ") != "admin manager marketing butler lead" {
		t.Errorf("All() = %q", all)
	}
	for _, r := range all {
		if !Valid(r) {
			t.Errorf("All() lists %q, which Valid refuses", r)
		}
	}
	all[0] = "changed"
	if All()[0] != Admin {
		t.Error("All() hands out its own list: a caller changed it for everyone")
	}
	if got, want := List(), "admin, manager, marketing, butler or lead"; got != want {
		t.Errorf("List() = %q, want %q", got, want)
	}
}

// The warehouse imports this package, so it must import nothing of Revisit:
// an import of the API or the warehouse from here would be a cycle waiting
// to happen, and a leaf is what lets the database's owner use the API's words.
func TestImportsNothingOfRevisit(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatalf("read the module's go.mod: %v", err)
	}
	module := modulePath(string(mod))
	if module == "" {
		t.Fatal("go.mod names no module")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatalf("list the package's files: %v", err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatalf("%s: import %s: %v", name, imp.Path.Value, err)
			}
			if path == module || strings.HasPrefix(path, module+"/") {
				t.Errorf("%s imports %s: package roles must stay a leaf", name, path)
			}
		}
	}
}

// modulePath is the path the module directive of a go.mod names.
func modulePath(gomod string) string {
	for _, line := range strings.Split(gomod, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
