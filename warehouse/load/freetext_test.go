package load_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

// hostile holds what issue 13 row 9 stored and showed: a NUL, a
// right-to-left override, an isolate, an escape and a C1 control.
const hostile = "\x00\u202E\u2066\x1b\u0085"

// TestEveryStoredFreeTextIsCleanOfControlAndBidiCharacters: issue 13 row 9.
// A note with NUL or U+202E was stored and shown as sent. Now every free
// text the warehouse stores — a call's note, a reassignment's reason, a
// case's department and note, a staff name, a token name, the audit
// fields, a marketing campaign, an imported comment and the file's name —
// is stored without control or bidi characters, and a note keeps its line
// breaks.
func TestEveryStoredFreeTextIsCleanOfControlAndBidiCharacters(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	dir := t.TempDir()
	res := whtest.Import(t, w, whtest.Options(),
		whtest.WriteFile(t, dir, "roster.csv", whtest.CSVLines("员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B02,郭笑颜,客服管家,B09", "B09,范志伟,客服管家,B09")),
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines("客户编号,姓名,手机", "G1,张伟,13812345678")),
		whtest.WriteFile(t, dir, "stays\u202E.csv", whtest.CSVLines("单号,客户编号,到店时间,离店时间,管家", "S1,G1,2026-11-20 15:00,2026-11-22 11:00,B01")),
		whtest.WriteFile(t, dir, "feedback.csv", whtest.CSVLines("表单号,单号,总体满意度,意见建议,投诉", "F1,S1,4,空调\u202E好\u2066吵,否")))
	for _, r := range res {
		if r.Status != load.StatusLoaded || r.Rejected != 0 {
			t.Fatalf("import %s: %+v", r.Path, r)
		}
	}
	if _, err := callback.Generate(ctx, w, callback.GenerateOptions{AsOf: time.Date(2026, 11, 22, 12, 0, 0, 0, whtest.Shanghai), Loc: whtest.Shanghai}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := w.DB().QueryRowContext(ctx, "SELECT task_id FROM callback_tasks").Scan(&id); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 15, 0, 0, 0, whtest.Shanghai)
	as := warehouse.AuditEntry{At: at, Actor: "admin" + hostile, Role: roles.Admin, ClientIP: "127.0.0.1"}
	steps := []struct {
		name string
		do   func() error
	}{
		{"attempt", func() error {
			_, err := w.RecordAttempt(ctx, warehouse.AttemptUpdate{TaskID: id, Version: 1, By: "B01", At: at, Disposition: "reached_issue",
				Note: "客人说\r\n空调" + hostile + "坏了\n\t明天再修", Score: nil, NextCallAt: &at,
				Recovery: &warehouse.RecoveryOpen{Department: "工程部" + hostile, DueAt: at.Add(24 * time.Hour)}})
			return err
		}},
		{"case", func() error {
			_, err := w.UpdateRecovery(ctx, 1, 1, warehouse.CaseInProgress, "", "已派人"+hostile, "B01", at)
			return err
		}},
		{"assign", func() error {
			_, err := w.Assign(ctx, id, 2, "B02", "B09", "B01 休假"+hostile, at, &warehouse.AuditEntry{At: at, Actor: "B09", Role: roles.Lead,
				Action: warehouse.AuditAssign, Target: "task 1" + hostile, Filter: "to B02" + hostile, Rows: 1, ClientIP: "127.0.0.1"})
			return err
		}},
		{"staff", func() error {
			_, _, err := w.CreateStaff(ctx, "M01", roles.Manager, "王"+hostile+"芳\n", "", as)
			return err
		}},
		{"token", func() error {
			_, _, err := w.CreateToken(ctx, "bi"+hostile+"\tnightly", roles.Admin, "", nil, "cli"+hostile, at)
			return err
		}},
		{"contact", func() error { return w.RecordContact(ctx, "G1", at, "微信"+hostile, "春节"+hostile) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}

	stored := map[string]string{
		"attempt note":  "SELECT note FROM callback_events WHERE kind = 'attempt'",
		"assign note":   "SELECT note FROM callback_events WHERE kind = 'assigned'",
		"case note":     "SELECT note FROM callback_events WHERE kind = 'recovery_changed'",
		"department":    "SELECT department FROM recovery_cases",
		"staff name":    "SELECT name FROM staff_accounts WHERE staff_id = 'M01'",
		"token name":    "SELECT name FROM api_tokens",
		"created by":    "SELECT created_by || '/' || (SELECT created_by FROM staff_accounts WHERE staff_id = 'M01') FROM api_tokens",
		"campaign":      "SELECT channel || '/' || campaign FROM marketing_contacts",
		"comment":       "SELECT comment FROM feedback",
		"file name":     "SELECT file_name FROM imports WHERE file_name LIKE 'stays%'",
		"audit entries": "SELECT string_agg(actor || '|' || target || '|' || filter, ';') FROM audit_log",
	}
	want := map[string]string{
		"attempt note": "客人说\n空调坏了\n\t明天再修",
		"assign note":  "from B01: B01 休假",
		"department":   "工程部",
		"staff name":   "王芳",
		"token name":   "bi nightly",
		"created by":   "cli/admin",
		"campaign":     "微信/春节",
		"comment":      "空调好吵",
		"file name":    "stays.csv",
	}
	for what, q := range stored {
		var got string
		if err := w.DB().QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if i := strings.IndexFunc(got, func(r rune) bool {
			return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		}); i >= 0 {
			t.Errorf("%s stored %q with %U", what, got, []rune(got[i:])[0])
		}
		if w, ok := want[what]; ok && got != w {
			t.Errorf("%s stored %q, want %q", what, got, w)
		}
	}
}
