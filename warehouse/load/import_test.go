package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestImportKeepsEveryRejectedRowWithItsReason(t *testing.T) {
	w := whtest.OpenTemp(t)
	_, files := whtest.HotelFiles(t)
	opt := whtest.Options()
	opt.RejectThreshold = 1
	// Named in the wrong order on purpose: they must load roster, guests, stays, feedback.
	res := whtest.Import(t, w, opt, files["feedback.csv"], files["stays.csv"], files["guests.csv"], files["roster.csv"])
	var order []string
	for _, r := range res {
		order = append(order, r.Kind)
		if r.Status != load.StatusLoaded {
			t.Errorf("%s: %s %s", r.Path, r.Status, r.Message)
		}
		if r.Rows != r.Loaded+r.Rejected {
			t.Errorf("%s: rows %d != loaded %d + rejected %d", r.Path, r.Rows, r.Loaded, r.Rejected)
		}
	}
	if want := []string{"roster", "guests", "stays", "feedback"}; !slices.Equal(order, want) {
		t.Fatalf("load order %v, want %v", order, want)
	}

	got := whtest.QueryStrings(t, w, `SELECT i.kind, r.line, r.reason, r.severity FROM rejects r JOIN imports i USING (import_id) ORDER BY i.kind, r.line, r.reason`)
	want := []string{
		"feedback|5|SCORE_OUT_OF_RANGE|reject",
		"feedback|6|UNKNOWN_STAY|reject",
		"feedback|7|MISSING_KEY|reject",
		"feedback|8|UNKNOWN_GUEST|reject",
		"feedback|9|SCORE_OUT_OF_RANGE|reject",
		"guests|6|MISSING_KEY|reject",
		"guests|7|INVALID_ID_NUMBER|warning",
		"guests|7|INVALID_MOBILE|warning",
		"stays|4|MISSING_KEY|reject",
		"stays|5|BAD_DATE|reject",
		"stays|6|IMPOSSIBLE_DATES|reject",
		"stays|7|UNKNOWN_GUEST|reject",
		"stays|8|BAD_AMOUNT|reject",
		"stays|9|DUPLICATE_IN_FILE|reject",
		"stays|10|INVALID_MOBILE|warning",
		"stays|11|UNKNOWN_BUTLER|warning",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rejects:\n got %q\nwant %q", got, want)
	}

	st, err := w.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Profiles != 5 || st.Guests != 3 || st.Stays != 4 || st.Feedback != 3 || st.Butlers != 3 || st.Imports != 4 {
		t.Errorf("stats %+v", st)
	}
	if st.Rejects["SCORE_OUT_OF_RANGE"] != 2 || st.Rejects["MISSING_KEY"] != 3 || st.Warnings["INVALID_MOBILE"] != 2 {
		t.Errorf("rejects by reason %v, warnings %v", st.Rejects, st.Warnings)
	}

	// Values as loaded: money, dates in the hotel's zone, resolution.
	stays := whtest.QueryStrings(t, w, `SELECT stay_id, profile_id, matched_by, outlet_kind, arrival, departure, spend_cents, butler_id FROM stays ORDER BY stay_id`)
	wantStays := []string{
		"S1|GA|guest_id|room|2026-11-20 15:00|2026-11-22 11:00|128000|B001",
		"S2|GC|mobile|dining|2026-11-21 18:00|2026-11-21 20:00|36800|B002",
		"S8|GD|guest_id|banquet|2026-11-21 11:00|2026-11-21 14:00|880000|B001",
		"S9|GD|guest_id|conference|2026-11-19 00:00|2026-11-20 12:00|500000|NULL",
	}
	if !slices.Equal(stays, wantStays) {
		t.Errorf("stays:\n got %q\nwant %q", stays, wantStays)
	}
	forms := whtest.QueryStrings(t, w, `SELECT form_id, stay_id, profile_id, matched_by, overall, nps, complaint FROM feedback ORDER BY form_id`)
	wantForms := []string{"F1|S1|GA|stay_id|5|10|false", "F2|NULL|GC|guest_id|4|8|false", "F3|S1|GA|room_date|2|3|true"}
	if !slices.Equal(forms, wantForms) {
		t.Errorf("feedback:\n got %q\nwant %q", forms, wantForms)
	}
	leads := whtest.QueryStrings(t, w, `SELECT staff_id, lead_id FROM butlers ORDER BY staff_id`)
	if want := []string{"B001|B001", "B002|B001", "B020|B020"}; !slices.Equal(leads, want) {
		t.Errorf("leads %q, want %q", leads, want)
	}
}

func TestRejectedValuesAreMasked(t *testing.T) {
	w := whtest.OpenTemp(t)
	_, files := whtest.HotelFiles(t)
	opt := whtest.Options()
	opt.RejectThreshold = 1
	whtest.Import(t, w, opt, files["guests.csv"], files["stays.csv"])
	for _, v := range whtest.QueryStrings(t, w, `SELECT coalesce(value_masked, '') FROM rejects`) {
		if strings.Contains(v, "1381234") || strings.Contains(v, "11010519491231009") {
			t.Errorf("a rejected value is stored unmasked: %q", v)
		}
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM profiles WHERE id_hash IS NOT NULL AND length(id_hash) = 64 AND id_last4 = right(?, 4)`, whtest.IDB); n != 2 {
		t.Errorf("profiles with the ID hash: %d, want 2", n)
	}
	for _, col := range []string{"id_hash", "id_last4", "name", "mobile", "member_no"} {
		if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles WHERE "+col+" LIKE ?", "%"+whtest.IDB[:10]+"%"); n != 0 {
			t.Errorf("raw ID number found in profiles.%s", col)
		}
	}
}

func TestSameBytesAreNeverLoadedTwice(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir, files := whtest.HotelFiles(t)
	copyPath := whtest.WriteFile(t, dir, "guests-again.csv", whtest.MustRead(t, files["guests.csv"]))
	opt := whtest.Options()
	res := whtest.Import(t, w, opt, files["guests.csv"], copyPath)
	if res[0].Status != load.StatusLoaded || res[1].Status != load.StatusSkipped {
		t.Fatalf("statuses %s, %s; want loaded, skipped", res[0].Status, res[1].Status)
	}
	res = whtest.Import(t, w, opt, files["guests.csv"])
	if res[0].Status != load.StatusSkipped || !strings.Contains(res[0].Message, "import 1") {
		t.Fatalf("re-run: %s %q", res[0].Status, res[0].Message)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM profiles"); n != 5 {
		t.Errorf("profile rows %d, want 5", n)
	}
}

func TestOverlappingExportsKeepEachStayOnceLatestWins(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir, files := whtest.HotelFiles(t)
	head := "单号,客户编号,消费场所,到店时间,离店时间,消费金额"
	night1 := whtest.WriteFile(t, dir, "stays_20261121.csv", whtest.CSVLines(head,
		"N1,GA,客房,2026-11-19 15:00,2026-11-20 11:00,500",
		"N2,GD,客房,2026-11-20 15:00,2026-11-21 11:00,600"))
	night2 := whtest.WriteFile(t, dir, "stays_20261122.csv", whtest.CSVLines(head,
		"N2,GD,客房,2026-11-20 15:00,2026-11-21 11:00,650", // corrected spend
		"N3,GC,客房,2026-11-21 15:00,2026-11-22 11:00,700"))
	opt := whtest.Options()
	whtest.Import(t, w, opt, files["guests.csv"], night2, night1) // named out of order: loaded by name
	got := whtest.QueryStrings(t, w, "SELECT stay_id, spend_cents FROM stays ORDER BY stay_id")
	if want := []string{"N1|50000", "N2|65000", "N3|70000"}; !slices.Equal(got, want) {
		t.Errorf("stays %q, want %q", got, want)
	}
}

func TestFileOverRejectThresholdIsRefusedWhole(t *testing.T) {
	w := whtest.OpenTemp(t)
	_, files := whtest.HotelFiles(t)
	opt := whtest.Options() // default 20 %; the stays file rejects 6 of 10
	res := whtest.Import(t, w, opt, files["guests.csv"], files["stays.csv"])
	stays := whtest.ResultByName(t, res, "stays.csv")
	if stays.Status != load.StatusFailed || !strings.Contains(stays.Message, "FILE_TOO_MANY_REJECTS") {
		t.Fatalf("stays: %s %q", stays.Status, stays.Message)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM stays"); n != 0 {
		t.Errorf("%d stays loaded from a refused file", n)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM rejects r JOIN imports i USING (import_id) WHERE i.kind = 'stays' AND i.status = 'failed'"); n == 0 {
		t.Error("the refused file's rejects were not kept for the front desk")
	}
	// The same bytes are not "loaded", so a fixed threshold lets them in later.
	opt.RejectThreshold = 0.7
	res = whtest.Import(t, w, opt, files["stays.csv"])
	if res[0].Status != load.StatusLoaded {
		t.Errorf("retry: %s %q", res[0].Status, res[0].Message)
	}
}

func TestUnreadableFilesAreRefusedWithAClearMessage(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	cases := []struct{ name, body, want string }{
		{"unknown.csv", "foo,bar,baz\r\n1,2,3\r\n", "FILE_UNKNOWN_KIND"},
		{"missing.csv", "单号,客户编号,到店时间\r\nS1,GA,2026-11-20\r\n", "离店时间/departure"},
		{"old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 600), "FILE_UNSUPPORTED"},
	}
	var paths []string
	for _, c := range cases {
		paths = append(paths, whtest.WriteFile(t, dir, c.name, []byte(c.body)))
	}
	res := whtest.Import(t, w, whtest.Options(), paths...)
	for _, c := range cases {
		r := whtest.ResultByName(t, res, c.name)
		if r.Status != load.StatusFailed || !strings.Contains(r.Message, c.want) {
			t.Errorf("%s: %s %q, want failed with %q", c.name, r.Status, r.Message, c.want)
		}
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM imports WHERE status = 'failed'"); n != int64(len(cases)) {
		t.Errorf("failed imports recorded: %d, want %d", n, len(cases))
	}
}

func TestIdentityChainMergesIntoOneGuestWhateverTheOrder(t *testing.T) {
	// The chain split over three files, loaded in every order, into fresh
	// warehouses: the guests and links must come out the same.
	dir := t.TempDir()
	head := "客户编号,姓名,手机,证件号码,建档日期"
	parts := []string{
		whtest.WriteFile(t, dir, "a.csv", whtest.CSVLines(head, "GA,张伟,13812345678,,2024-01-05")),
		whtest.WriteFile(t, dir, "b.csv", whtest.CSVLines(head, "GB,张伟,13812345678,"+whtest.IDB+",2025-03-01")),
		whtest.WriteFile(t, dir, "c.csv", whtest.CSVLines(head, "GC,张先生,13900001111,"+whtest.IDB+",2025-06-01", "GD,李娜,13900002222,"+whtest.IDD+",2023-02-01")),
	}
	orders := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}
	var first []string
	for _, o := range orders {
		w := whtest.OpenTemp(t)
		for _, i := range o { // one run per file: order across runs
			whtest.Import(t, w, whtest.Options(), parts[i])
		}
		got := whtest.QueryStrings(t, w, `SELECT gp.profile_id, gp.guest_id, g.profile_count FROM guest_profiles gp JOIN guests g USING (guest_id) ORDER BY 1`)
		got = append(got, whtest.QueryStrings(t, w, `SELECT profile_id, linked_to, evidence FROM identity_links ORDER BY ALL`)...)
		if first == nil {
			first = got
			want := []string{"GA|GA|3", "GB|GA|3", "GC|GA|3", "GD|GD|1", "GB|GA|mobile", "GC|GB|id_number"}
			if !slices.Equal(got, want) {
				t.Fatalf("order %v:\n got %q\nwant %q", o, got, want)
			}
			continue
		}
		if !slices.Equal(got, first) {
			t.Errorf("order %v gave %q, order %v gave %q", o, got, orders[0], first)
		}
	}
}

func TestSharedSwitchboardNumberIsNotIdentity(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	lines := []string{"客户编号,姓名,手机"}
	for i := range 5 {
		lines = append(lines, fmt.Sprintf("P%d,员工%d,13700000000", i, i))
	}
	p := whtest.WriteFile(t, dir, "company.csv", whtest.CSVLines(lines...))
	opt := whtest.Options()
	opt.MaxSharedEvidence = 3
	whtest.Import(t, w, opt, p)
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM guests"); n != 5 {
		t.Errorf("guests %d: a number shared by 5 profiles (cap 3) must not merge them", n)
	}
}

func TestFolderImportSkipsHiddenAndForeignFiles(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir, _ := whtest.HotelFiles(t)
	whtest.WriteFile(t, dir, ".~lock.guests.csv#", []byte("junk"))
	whtest.WriteFile(t, dir, "notes.md", []byte("# notes"))
	res := whtest.Import(t, w, whtest.Options(), dir)
	if len(res) != 4 {
		var names []string
		for _, r := range res {
			names = append(names, filepath.Base(r.Path))
		}
		t.Errorf("imported %v, want the 4 data files", names)
	}
}
