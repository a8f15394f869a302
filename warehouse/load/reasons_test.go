package load_test

import (
	"slices"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// The reason codes not exercised by the hotel fixture, one row each.
func TestLessCommonReasonCodes(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(
		"客户编号,姓名,手机,邮箱,生日,营销许可",
		"G1,张伟,13812345678,zw@@example,1990-01-01,是",     // INVALID_EMAIL
		"G2,李娜,13900002222,ln@example.com,1990-02-30,是",  // BAD_OPTIONAL_VALUE (birthday)
		"G3,王芳,13900003333,wf@example.com,1990-03-01,也许", // BAD_OPTIONAL_VALUE (consent)
	))
	stays := whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(
		"单号,客户编号,到店时间,离店时间,人数",
		"S1,G1,2026-11-20 15:00,2026-11-21 11:00,2",
		"S2,G1,2026-11-20 15:00,2026-11-21 11:00,两位",      // BAD_OPTIONAL_VALUE (party size)
		"S3,G1,2026-11-20 15:00,2026-11-21 11:00,2,extra", // BAD_ROW: a cell past the header
		"S4,G1,,2026-11-21 11:00,2",                       // MISSING_VALUE
	))
	forms := whtest.WriteFile(t, dir, "feedback.csv", whtest.CSVLines(
		"表单号,单号,总体满意度,推荐意愿",
		"F1,S1,,9", // MISSING_VALUE: a form without its overall score
		"F2,S1,4,9",
	))
	opt := whtest.Options()
	opt.RejectThreshold = 1
	whtest.Import(t, w, opt, guests, stays, forms)
	got := whtest.QueryStrings(t, w, `SELECT i.kind, r.line, r.reason, coalesce(r.column_name, '') FROM rejects r JOIN imports i USING (import_id) ORDER BY ALL`)
	want := []string{
		"feedback|2|MISSING_VALUE|overall",
		"guests|2|INVALID_EMAIL|email",
		"guests|3|BAD_OPTIONAL_VALUE|birthday",
		"guests|4|BAD_OPTIONAL_VALUE|marketing_consent",
		"stays|3|BAD_OPTIONAL_VALUE|party_size",
		"stays|4|BAD_ROW|",
		"stays|5|MISSING_VALUE|arrival",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rejects:\n got %q\nwant %q", got, want)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles WHERE email IS NULL OR birthday IS NULL OR marketing_consent IS NULL"); n != 3 {
		t.Errorf("dropped values: %d profiles with a NULL, want 3", n)
	}
}
