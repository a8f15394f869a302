package export

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenRows covers every kind, quoting, injection, Chinese and empty cells.
func goldenRows() Rows {
	tricky := guestRow(3)
	tricky[1] = "李\"小龙\", 先生\r\n第二行"
	tricky[10] = `=HYPERLINK("http://x","y")`
	empty := make([]any, len(guestColumns()))
	return sliceRows(guestRow(1), guestRow(2), tricky, empty)
}

func TestGolden(t *testing.T) {
	for _, w := range writers[1:] { // XLSX is checked cell by cell instead
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := w.write(context.Background(), &buf, guestTable(), goldenRows()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "guests."+w.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", w.name, path, buf.Bytes())
			}
		})
	}
}
