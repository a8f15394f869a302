package nightly

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// fileText is a kept file's text as bytes, for a search that does not go
// through the code under test: a CSV as it is (utf-8 or gb18030 keep
// ASCII as ASCII), a workbook's XML parts one after another.
func fileText(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("PK\x03\x04")) {
		return raw
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(&out, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// Forget on both shapes of hotel, after a real night: the guest's open
// callbacks close as forgotten and the SLA counts them apart, and the
// kept files are split exactly as a brute-force search of their bytes for
// the guest's ids says — every file naming one is deleted, and every file
// deleted names the guest by an id or their mobile.
func TestForgetOnBothShapesOfHotel(t *testing.T) {
	for _, shape := range synth.Shapes {
		t.Run(string(shape), func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			inbox := filepath.Join(root, "inbox")
			if _, err := synth.Generate(ctx, synth.Config{OutDir: inbox, Guests: 150, Years: 1, Seed: 11, Shape: shape,
				End: time.Date(2026, 11, 21, 0, 0, 0, 0, shanghai), Loc: shanghai}); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(inbox, synth.ManifestName))
			w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(root, "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := w.Close(); err != nil {
					t.Error(err)
				}
			})
			now := time.Date(2026, 11, 22, 2, 0, 0, 0, shanghai)
			cfg := Config{Inbox: inbox, Outbox: filepath.Join(root, "outbox"), Loc: shanghai, Now: func() time.Time { return now },
				Import: load.Options{RejectThreshold: 0.5, Ingest: ingest.Options{Loc: shanghai, Hasher: testKey}}}
			if res, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual"); err != nil {
				t.Fatalf("the night: %v %+v", err, res)
			}
			open, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
			if err != nil || len(open) == 0 {
				t.Fatalf("no open task to forget the guest of: %v", err)
			}
			guest := open[0].GuestID
			opened := 0
			for _, tk := range open {
				if tk.GuestID == guest {
					opened++
				}
			}
			ids := queryList(t, w, `SELECT profile_id FROM guest_profiles WHERE guest_id = ?
				UNION SELECT stay_id FROM stays JOIN guest_profiles USING (profile_id) WHERE guest_id = ?
				UNION SELECT form_id FROM feedback JOIN guest_profiles USING (profile_id) WHERE guest_id = ?`, guest, guest, guest)
			mobiles := queryList(t, w, `SELECT DISTINCT right(mobile, 8) FROM profiles JOIN guest_profiles USING (profile_id)
				WHERE guest_id = ? AND mobile IS NOT NULL`, guest)
			files, err := keptFiles(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var names, byID, byAny []string
			for _, f := range files {
				text := fileText(t, f.path)
				names = append(names, f.folder+"/"+f.name)
				hasID := slices.ContainsFunc(ids, func(id string) bool {
					return regexp.MustCompile(`(^|[^0-9A-Za-z_-])` + regexp.QuoteMeta(id) + `($|[^0-9A-Za-z_-])`).Match(text)
				})
				digits := regexp.MustCompile(`[ \-]`).ReplaceAll(text, nil)
				hasMobile := slices.ContainsFunc(mobiles, func(m string) bool { return bytes.Contains(digits, []byte(m)) })
				if hasID {
					byID = append(byID, f.folder+"/"+f.name)
				}
				if hasID || hasMobile {
					byAny = append(byAny, f.folder+"/"+f.name)
				}
			}
			if len(byID) == 0 || len(byID) == len(files) {
				t.Fatalf("the guest %s is in %d of %d kept files: the split would prove nothing", guest, len(byID), len(files))
			}

			rep, err := ForgetGuest(ctx, w, cfg, guest, false, testKey, warehouse.AuditEntry{At: now, Actor: "dpo", Role: roles.Admin})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s hotel: guest with %d open tasks, in %d of %d kept files by id, %d by id or mobile; %d deleted",
				shape, opened, len(byID), len(files), len(byAny), len(rep.Files))
			var deleted []string
			for _, f := range rep.Files {
				if f.Action != FileDeleted {
					t.Errorf("%s/%s: %s", f.Folder, f.Name, f.Action)
				}
				deleted = append(deleted, f.Folder+"/"+f.Name)
			}
			for _, n := range byID {
				if !slices.Contains(deleted, n) {
					t.Errorf("%s names the guest by id and was kept", n)
				}
			}
			for _, n := range deleted {
				if !slices.Contains(byAny, n) {
					t.Errorf("%s was deleted but names the guest by neither id nor mobile", n)
				}
			}
			left, err := keptFiles(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(left)+len(deleted) != len(names) {
				t.Errorf("%d files left and %d deleted of %d", len(left), len(deleted), len(names))
			}
			if rep.TasksClosed != int64(opened) {
				t.Errorf("closed %d tasks, the guest had %d open", rep.TasksClosed, opened)
			}
			sla, err := w.SLA(ctx, now.AddDate(-1, 0, 0), now.AddDate(0, 0, 2))
			if err != nil {
				t.Fatal(err)
			}
			if sla.Forgotten.Numerator != int64(opened) {
				t.Errorf("the SLA counts %d forgotten, want %d", sla.Forgotten.Numerator, opened)
			}
		})
	}
}

func queryList(t *testing.T, w *warehouse.Warehouse, q string, args ...any) []string {
	t.Helper()
	rows, err := w.DB().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
