package warehouse_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

// privacyFiles are a small hotel's exports: 张伟 is two profiles (G1, G7)
// joined by a mobile, with two stays, a complaint, a callback with a note,
// a marketing contact and an analysis row. extra rows are appended to each
// file, as the next night's export would bring them.
func privacyFiles(t *testing.T, dir string, extra ...[3]string) []string {
	t.Helper()
	g := []string{"客户编号,姓名,手机,证件号码,会员卡号,微信,邮箱,生日,喜好,建档日期",
		"G1,张伟,13812345678,11010519491231002X,M8801,zhangwei88,zw@example.com,1980-05-06,高楼层无烟房,2024-01-02",
		"G7,张伟,+86 138 1234 5678,,,,,,,2025-03-04",
		"G2,李娜,13900002222,,,,,,,2024-05-06",
		"G3,王芳,13900003333,,,,,,,2019-01-01"}
	s := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额,房号,管家",
		"S1,G1,客房,2025-01-10 15:00,2025-01-12 11:00,\"1,280.00\",1808,B01",
		"S2,G7,餐饮,2025-06-01 18:00,2025-06-01 20:00,300,,B02",
		"S3,G2,客房,2025-06-01 15:00,2025-06-02 11:00,500,1206,B02",
		"S4,G3,客房,2019-02-01 15:00,2019-02-02 11:00,400,1101,B02"}
	f := []string{"表单号,单号,客户编号,手机,总体满意度,推荐意愿,意见建议,投诉",
		"F1,S2,,,2,3,菜太咸了不好吃,房间有异味",
		"F2,S3,,,5,10,很好,",
		"F3,,,13812345678,4,8,早餐丰富,"}
	for _, e := range extra {
		g, s, f = append(g, e[0]), append(s, e[1]), append(f, e[2])
	}
	return []string{
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(g...)),
		whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(s...)),
		whtest.WriteFile(t, dir, "feedback.csv", whtest.CSVLines(f...)),
	}
}

// privacyHotel loads privacyFiles and adds what the day's work leaves: a
// callback with a note, a recovery case, a marketing contact, metrics and
// a target.
func privacyHotel(t *testing.T) (*warehouse.Warehouse, []string) {
	t.Helper()
	w := whtest.OpenTemp(t)
	files := privacyFiles(t, t.TempDir())
	whtest.Import(t, w, whtest.Options(), files...)
	ctx := context.Background()
	dep := whtest.HotelTime("2025-06-01 20:00")
	task := warehouse.SeedTask(t, w, "G1", "B02", dep)
	for _, q := range []string{
		`UPDATE callback_tasks SET stay_ids = 'S2' WHERE guest_id = 'G1'`,
		`INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner, note)
			VALUES (100, ` + itoaTest(task) + `, TIMESTAMPTZ '2025-06-02 10:00:00+08', 'attempt', 'B02', 'B02', '张伟说房间有异味，手机13812345678')`,
		`INSERT INTO recovery_cases VALUES (1, ` + itoaTest(task) + `, 'G1', 'B02', 'housekeeping',
			TIMESTAMPTZ '2025-06-02 10:00:00+08', TIMESTAMPTZ '2025-06-03 10:00:00+08', 'open', NULL, NULL, 1)`,
		`INSERT INTO guest_metrics (as_of, guest_id, visits, first_visit, last_visit, recency_days, age_days, days_since_last,
			anniversary, total_spend_cents, mean_spend_cents, r_score, f_score, m_score, segment)
			SELECT DATE '2025-06-10', guest_id, 2, DATE '2025-01-12', DATE '2025-06-01', 140, 149, 9, false, 158000, 79000, 5, 5, 5, 'loyal'
			FROM guests`,
		`INSERT INTO targets VALUES (DATE '2025-06-10', 'G1', 'due', 0.9, DATE '2025-07-01', 'B01', 'room', '高楼层无烟房', '张伟 常客', 'regular')`,
	} {
		if _, err := w.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", warehouse.FirstLine(q), err)
		}
	}
	if err := w.RecordContact(ctx, "G1", dep, "wechat", "spring"); err != nil {
		t.Fatal(err)
	}
	return w, files
}

func itoaTest(n int64) string { return dbtest.FormatValue(n) }

// traces are what must not be found anywhere once 张伟 is forgotten.
var traces = []string{"张伟", "13812345678", "+8613812345678", "138****5678", "+86138****5678", "zhangwei88",
	"zw@example.com", "M8801", "002X", "高楼层无烟房", "房间有异味", "菜太咸了不好吃", "早餐丰富"}

// idTraces are the PMS ids of 张伟's profiles, stays and forms: allowed in
// the append-only audit log only (entries written before the deletion).
var idTraces = []string{"G1", "G7", "S1", "S2", "F1", "F3"}

func forgetAudit() warehouse.AuditEntry {
	return warehouse.AuditEntry{At: time.Now(), Actor: "dpo", Role: roles.Admin, ClientIP: "127.0.0.1"}
}

// kpiFacts are the totals the KPIs are made of, which a deletion keeps;
// the events that close the guest's open work as forgotten are its own.
func kpiFacts(t *testing.T, w *warehouse.Warehouse) []string {
	return whtest.QueryStrings(t, w, `SELECT (SELECT count(*) FROM stays), (SELECT sum(spend_cents) FROM stays),
		(SELECT count(*) FROM feedback), (SELECT count(*) FILTER (WHERE complaint) FROM feedback),
		(SELECT round(avg(overall), 3) FROM feedback), (SELECT count(*) FROM callback_tasks),
		(SELECT count(*) FROM callback_events WHERE disposition IS DISTINCT FROM 'forgotten'), (SELECT count(DISTINCT guest_id) FROM guest_visits(TIMESTAMPTZ '2030-01-01 00:00:00+00'))`)
}

func TestForgetGuestLeavesNoTraceAndSurvivesReimport(t *testing.T) {
	ctx := context.Background()
	w, files := privacyHotel(t)
	before := kpiFacts(t, w)
	if found := whtest.ScanText(t, w, traces, nil); len(found) == 0 {
		t.Fatal("the fixture holds none of the traces: the scan would prove nothing")
	}

	dry, err := w.ForgetGuest(ctx, "G7", true, whtest.Options().Ingest.Hasher, forgetAudit())
	if err != nil {
		t.Fatal(err)
	}
	if got := whtest.ScanText(t, w, traces, nil); len(got) == 0 {
		t.Fatal("a dry run removed data")
	}
	if got := kpiFacts(t, w); strings.Join(got, ";") != strings.Join(before, ";") {
		t.Fatalf("a dry run changed the facts: %v, was %v", got, before)
	}

	rep, err := w.ForgetGuest(ctx, "G7", false, whtest.Options().Ingest.Hasher, forgetAudit())
	if err != nil {
		t.Fatal(err)
	}
	dry.DryRun = false
	if dry != rep {
		t.Errorf("dry run reported %+v, the deletion %+v", dry, rep)
	}
	want := warehouse.ForgetReport{Pseudonym: "DEL-1", Guests: 1, Profiles: 2, Stays: 2, Feedback: 2, CallbackTasks: 1, TasksClosed: 1,
		CallbackEvents: 1, RecoveryCases: 1, CasesClosed: 1, MarketingContacts: 1, GuestMetrics: 1, Targets: 1, IdentityLinks: 1,
		Suppressions: rep.Suppressions, Rejects: rep.Rejects}
	want.Total()
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	if rep.Suppressions != 9 { // G1 G7, S1 S2, F1 F3, one mobile, one ID hash, one member number
		t.Errorf("%d suppressions, want 9", rep.Suppressions)
	}

	if found := whtest.ScanText(t, w, traces, nil); len(found) > 0 {
		t.Errorf("personal data left after the deletion:\n%s", strings.Join(found, "\n"))
	}
	if found := whtest.ScanText(t, w, idTraces, map[string]bool{"audit_log": true}); len(found) > 0 {
		t.Errorf("the guest's ids left outside the audit log:\n%s", strings.Join(found, "\n"))
	}
	if got := kpiFacts(t, w); strings.Join(got, ";") != strings.Join(before, ";") {
		t.Errorf("the KPIs' facts changed: %v, was %v", got, before)
	}
	audit := whtest.QueryStrings(t, w, `SELECT action, target, filter, rows FROM audit_log
		WHERE action LIKE 'forget%' ORDER BY entry_id`)
	wantAudit := []string{"forget_dry_run|G7|dry_run=true|" + dbtest.FormatValue(rep.Rows), "forget|DEL-1|dry_run=false|" + dbtest.FormatValue(rep.Rows)}
	if strings.Join(audit, ";") != strings.Join(wantAudit, ";") {
		t.Errorf("audit %v, want %v", audit, wantAudit)
	}
	if _, err := w.ForgetGuest(ctx, "G1", false, whtest.Options().Ingest.Hasher, forgetAudit()); !errors.Is(err, warehouse.ErrNotFound) {
		t.Errorf("forgetting a forgotten guest again: %v, want ErrNotFound", err)
	}

	// The same files again are skipped as loaded; the next night's export
	// with the same rows and a new guest's is refused row by row.
	for _, r := range whtest.Import(t, w, whtest.Options(), files...) {
		if r.Status != load.StatusSkipped {
			t.Errorf("%s: %s, want skipped", r.Path, r.Status)
		}
	}
	next := privacyFiles(t, t.TempDir(), [3]string{
		"G9,赵敏,13900009999,,,,,,,2025-06-01",
		"S9,G9,客房,2025-06-05 15:00,2025-06-06 11:00,600,1402,B01",
		"F9,S9,,,5,9,不错,"})
	// At the usual 20 % threshold: a forgotten guest's rows are not bad
	// rows, and a file that is half theirs still loads.
	res := whtest.Import(t, w, whtest.Options(), next...)
	for name, want := range map[string][2]int64{"guests.csv": {3, 2}, "stays.csv": {3, 2}, "feedback.csv": {2, 2}} {
		r := whtest.ResultByName(t, res, name)
		if r.Status != load.StatusLoaded || r.Loaded != want[0] || r.Rejected != want[1] || r.Suppressed != want[1] {
			t.Errorf("%s: %s, %d loaded, %d rejected (%d suppressed); want %d loaded, %d rejected and suppressed",
				name, r.Status, r.Loaded, r.Rejected, r.Suppressed, want[0], want[1])
		}
	}
	if got := whtest.QueryInt(t, w, "SELECT count(*) FROM rejects WHERE reason = 'SUPPRESSED' AND value_masked IS NULL"); got != 6 {
		t.Errorf("%d SUPPRESSED rejects without a value, want 6", got)
	}
	if found := whtest.ScanText(t, w, traces, nil); len(found) > 0 {
		t.Errorf("the re-import brought the guest back:\n%s", strings.Join(found, "\n"))
	}
	if got := whtest.QueryStrings(t, w, "SELECT guest_id FROM guests ORDER BY 1"); strings.Join(got, ",") != "DEL-1,G2,G3,G9" {
		t.Errorf("guests after the re-import: %v", got)
	}
}

func TestAnonymiseInactiveKeepsAggregates(t *testing.T) {
	ctx := context.Background()
	w, _ := privacyHotel(t)
	before := kpiFacts(t, w)
	cutoff := whtest.HotelTime("2022-06-01 00:00") // G3's last stay was in 2019
	dry, err := w.AnonymiseInactive(ctx, cutoff, true, forgetAudit())
	if err != nil {
		t.Fatal(err)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles WHERE profile_id = 'G3' AND name = '王芳'"); n != 1 {
		t.Fatal("a dry run anonymised")
	}
	rep, err := w.AnonymiseInactive(ctx, cutoff, false, forgetAudit())
	if err != nil {
		t.Fatal(err)
	}
	dry.DryRun = false
	if dry != rep || rep.Guests != 1 || rep.Stays != 1 || rep.Profiles != 1 || rep.Suppressions != 0 {
		t.Errorf("report %+v, dry run %+v", rep, dry)
	}
	if found := whtest.ScanText(t, w, []string{"王芳", "+8613900003333", "G3", "S4"}, map[string]bool{"audit_log": true}); len(found) > 0 {
		t.Errorf("personal data left:\n%s", strings.Join(found, "\n"))
	}
	if got := kpiFacts(t, w); strings.Join(got, ";") != strings.Join(before, ";") {
		t.Errorf("aggregates changed: %v, was %v", got, before)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles WHERE name IN ('张伟', '李娜')"); n != 3 {
		t.Errorf("active guests lost their profiles: %d left", n)
	}
	// Anonymised guests are not anonymised again.
	again, err := w.AnonymiseInactive(ctx, cutoff, false, forgetAudit())
	if err != nil || again.Guests != 0 {
		t.Errorf("second run: %+v, %v", again, err)
	}
	// No suppression: the guest comes back as new with a new export.
	dir := t.TempDir()
	g := whtest.WriteFile(t, dir, "g3.csv", whtest.CSVLines("客户编号,姓名,手机,建档日期", "G3,王芳,13900003333,2026-01-01"))
	whtest.Import(t, w, whtest.Options(), g)
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM guests WHERE guest_id = 'G3'"); n != 1 {
		t.Error("a returning anonymised guest was not welcomed back")
	}
}
