package api

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzUploadName: whatever name a client sends, the answer is a refusal or
// a name that can be a file here — one path element, at most 255 bytes,
// UTF-8, no control or bidi characters — and never a panic.
func FuzzUploadName(f *testing.F) {
	for _, seed := range []string{"guests.csv", `C:\exports\stays.csv`, "../../etc/passwd", "..", ".", "", "a\x00b.csv",
		strings.Repeat("客", 100) + ".csv", "g\xff.csv", "gpj.\u202Eexe", "a\r\nb.csv", "/", "dir/", "\u200F.csv"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, bad := uploadName(raw)
		if bad != nameOK {
			if name != "" || bad.apiMessage() == "" || translate("zh", bad.pageMessage()) == bad.pageMessage() {
				t.Fatalf("refusal %d of %q: name %q, messages %q %q", bad, raw, name, bad.apiMessage(), bad.pageMessage())
			}
			return
		}
		switch {
		case name == "" || name == "." || name == "..":
			t.Fatalf("%q → %q", raw, name)
		case len(name) > maxUploadName:
			t.Fatalf("%q → a name of %d bytes", raw, len(name))
		case strings.ContainsAny(name, `/\`):
			t.Fatalf("%q → %q keeps a folder", raw, name)
		case !utf8.ValidString(name) || strings.IndexFunc(name, notInName) >= 0:
			t.Fatalf("%q → %q is not clean text", raw, name)
		case !strings.HasSuffix(raw, name):
			t.Fatalf("%q → %q is not its last element", raw, name)
		}
	})
}
