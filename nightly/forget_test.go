package nightly

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

var testKey = ingest.NewIDHasher([]byte("test-key-0123456789"))

// keptHotel is a warehouse that loaded its exports from the inbox's
// processed/ folder, where they stay: 张伟 (G1, ID number, mobile, e-mail)
// and 李娜 (G2).
func keptHotel(t *testing.T) (*warehouse.Warehouse, Config) {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	cfg := Config{Inbox: filepath.Join(root, "inbox"), Outbox: filepath.Join(root, "outbox"), Loc: shanghai}
	processed := filepath.Join(cfg.Inbox, "processed")
	for _, d := range []string{processed, filepath.Join(cfg.Inbox, "failed"), cfg.Outbox} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(root, "w.duckdb"), Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	guests := writeKept(t, processed, "guests_1122.csv", "客户编号,姓名,手机,证件号码,邮箱\r\n"+
		"G1,张伟,13812345678,11010519491231002X,zw@example.com\r\nG2,李娜,13900002222,,\r\n")
	stays := writeKept(t, processed, "stays_1122.csv", "单号,客户编号,到店时间,离店时间,管家\r\n"+
		"S1,G1,2026-11-20 15:00,2026-11-22 11:00,B01\r\nS2,G2,2026-11-21 15:00,2026-11-22 10:00,B01\r\n")
	res, err := load.Files(ctx, w, []string{guests, stays}, load.Options{Ingest: ingest.Options{Loc: shanghai, Hasher: testKey}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != load.StatusLoaded {
			t.Fatalf("fixture: %+v", r)
		}
	}
	return w, cfg
}

func writeKept(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeWorkbook(t *testing.T, path string, sheets map[string][][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// listed is the kept files of a report as "folder/name action".
func listed(files []KeptFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Folder+"/"+f.Name+" "+f.Action)
	}
	slices.Sort(out)
	return out
}

// Issue 13 row 11: forget left the guest in inbox/processed/ (raw files
// with full ID numbers). Every kept file that names the guest — by id,
// stay id, mobile in any spelling, e-mail, or only their ID number, in any
// encoding, on any sheet — is deleted and named in the report; files of
// other guests, near misses included, stay. A dry run deletes nothing.
func TestForgetDeletesTheKeptFilesThatNameTheGuest(t *testing.T) {
	ctx := context.Background()
	w, cfg := keptHotel(t)
	processed, failed := filepath.Join(cfg.Inbox, "processed"), filepath.Join(cfg.Inbox, "failed")
	writeKept(t, processed, "notes_only_id.csv", "备注\r\n前台登记：证件11010519491231002x 已核对\r\n")
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("客户编号,姓名,手机\r\nG9,王五,13900009999\r\nX7,张三,+86 138-1234-5678\r\n")
	if err != nil {
		t.Fatal(err)
	}
	writeKept(t, processed, "gbk_mobile.csv", gbk)
	writeKept(t, processed, "others.csv", "客户编号,单号,手机,证件号码,邮箱\r\nG10,S10,13812345670,110105194912310021,zw@example.co\r\nG2,S2,13900002222,,\r\n")
	writeKept(t, failed, "headless.csv", "G1,张伟,13812345678\r\n")
	writeKept(t, failed, "zz_mail.txt", "\x00\x01 binary-ish junk with ZW@Example.com inside\n")
	writeWorkbook(t, filepath.Join(cfg.Outbox, "回访名单_2026-11-21.xlsx"), map[string][][]any{
		"名单": {{"客户编号", "姓名"}, {"G2", "李娜"}}, "名单 2": {{"客户编号", "姓名"}, {"G1", "张*"}}})
	writeWorkbook(t, filepath.Join(cfg.Outbox, "回访任务_2026-11-22.xlsx"), map[string][][]any{"任务": {{"客户编号"}, {"G2"}}})
	mustDelete := []string{"inbox/failed/headless.csv", "inbox/failed/zz_mail.txt", "inbox/processed/gbk_mobile.csv",
		"inbox/processed/guests_1122.csv", "inbox/processed/notes_only_id.csv", "inbox/processed/stays_1122.csv",
		"outbox/回访名单_2026-11-21.xlsx"}
	mustStay := []string{"inbox/processed/others.csv", "outbox/回访任务_2026-11-22.xlsx"}
	path := func(kept string) string {
		folder, name, _ := strings.Cut(kept, "/")
		if folder == FolderInbox {
			return filepath.Join(cfg.Inbox, name)
		}
		return filepath.Join(cfg.Outbox, name)
	}

	audit := warehouse.AuditEntry{At: time.Now(), Actor: "dpo", Role: roles.Admin}
	dry, err := ForgetGuest(ctx, w, cfg, "G1", true, testKey, audit)
	if err != nil {
		t.Fatal(err)
	}
	want := func(action string) []string {
		var out []string
		for _, f := range mustDelete {
			out = append(out, f+" "+action)
		}
		return out
	}
	if got := listed(dry.Files); !slices.Equal(got, want(FileWouldDelete)) {
		t.Errorf("dry run lists\n%q\nwant\n%q", got, want(FileWouldDelete))
	}
	for _, f := range append(mustDelete, mustStay...) {
		if _, err := os.Stat(path(f)); err != nil {
			t.Errorf("the dry run removed %s: %v", f, err)
		}
	}

	rep, err := ForgetGuest(ctx, w, cfg, "G1", false, testKey, audit)
	if err != nil {
		t.Fatal(err)
	}
	if got := listed(rep.Files); !slices.Equal(got, want(FileDeleted)) {
		t.Errorf("forget reports\n%q\nwant\n%q", got, want(FileDeleted))
	}
	for _, f := range mustDelete {
		if _, err := os.Stat(path(f)); !os.IsNotExist(err) {
			t.Errorf("%s, which names the guest, is still there: %v", f, err)
		}
	}
	for _, f := range mustStay {
		if _, err := os.Stat(path(f)); err != nil {
			t.Errorf("%s, which does not name the guest, is gone: %v", f, err)
		}
	}
	all, err := w.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var entries []warehouse.AuditEntry
	for _, e := range all {
		if e.Action == AuditForgetFiles {
			entries = append(entries, e)
		}
	}
	if len(entries) != 1 || entries[0].Target != rep.Pseudonym || entries[0].Rows != int64(len(mustDelete)) ||
		entries[0].Filter != "inbox=6 outbox=1 unsearchable=0" || strings.Contains(entries[0].Filter, ".csv") {
		t.Errorf("the files' audit: %+v", entries)
	}
}
