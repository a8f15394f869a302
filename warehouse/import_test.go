package warehouse

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// residentID completes 17 digits with their GB 11643 check character.
func residentID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

var (
	idB = residentID("11010519491231002")
	idD = residentID("44030419851010123")
)

// A small hotel whose files exercise every reason code. Guests A–B share a
// mobile, B–C an ID number: one person behind three profiles.
func hotelFiles(t *testing.T) (dir string, files map[string]string) {
	dir = t.TempDir()
	files = map[string]string{
		"roster.csv": strings.Join([]string{
			"员工号,姓名,组别,主管",
			"B001,方俭俭,大堂管家,B001",
			"B002,李晓莉,大堂管家,方俭俭",
			"B020,范志伟,客服管家,B020",
		}, "\r\n"),
		"guests.csv": strings.Join([]string{
			"客户编号,姓名,手机,证件号码,会员卡号,会员等级,建档日期,营销许可",
			"GA,张伟,13812345678,,M100,金卡,2024-01-05,是",
			"GB,张伟,+86 138 1234 5678," + idB + ",,,2025-03-01,是",
			"GC,张先生,13900001111," + idB + ",,,2025-06-01,否",
			"GD,李娜,139-0000-2222," + idD + ",,银卡,2023-02-01,是",
			",无编号,13900003333,,,,2025-01-01,是",               // MISSING_KEY
			"GE,王芳,1381234,11010519491231009,,,2025-01-01,是", // INVALID_MOBILE + INVALID_ID_NUMBER warnings
		}, "\r\n"),
		"stays.csv": strings.Join([]string{
			"单号,客户编号,手机,消费场所,到店时间,离店时间,消费金额,房号,管家",
			"S1,GA,,客房,2026-11-20 15:00,2026-11-22 11:00,\"1,280.00\",1208,B001",
			"S2,,13900001111,中餐厅,2026/11/21 18:00,2026/11/21 20:00,¥368,,李晓莉",
			"S3,,,客房,2026-11-20 15:00,2026-11-21 11:00,100,,B001",              // MISSING_KEY
			"S4,GA,,客房,2026-13-01 15:00,2026-11-21 11:00,100,,B001",            // BAD_DATE
			"S5,GA,,客房,2026-11-22 10:00,2026-11-20 10:00,100,,B001",            // IMPOSSIBLE_DATES
			"S6,GX,,客房,2026-11-20 15:00,2026-11-21 11:00,100,,B001",            // UNKNOWN_GUEST
			"S7,GA,,客房,2026-11-20 15:00,2026-11-21 11:00,abc,,B001",            // BAD_AMOUNT
			"S1,GA,,客房,2026-11-20 15:00,2026-11-22 11:00,999,1208,B001",        // DUPLICATE_IN_FILE
			"S8,GD,1381234,宴会厅,2026年11月21日 11:00,2026年11月21日 14:00,8800,,B001", // INVALID_MOBILE warning
			"S9,GD,,会议室,2026-11-19,2026-11-20,5000,,nobody",                    // UNKNOWN_BUTLER warning
		}, "\r\n"),
		"feedback.csv": strings.Join([]string{
			"表单号,单号,客户编号,房号,日期,总体满意度,推荐意愿,意见建议,投诉",
			"F1,S1,,,,5,10,很好,否",
			"F2,,GC,,,4,8,,否",
			"F3,,,1208,2026-11-21,2,3,太吵了,是",
			"F4,S1,,,,7,,,",   // SCORE_OUT_OF_RANGE
			"F5,SXX,,,,3,,,",  // UNKNOWN_STAY
			"F6,,,,,3,,,",     // MISSING_KEY
			"F7,,GX,,,3,,,",   // UNKNOWN_GUEST
			"F8,S2,,,,4,11,,", // SCORE_OUT_OF_RANGE
		}, "\r\n"),
	}
	for name, body := range files {
		files[name] = writeFile(t, dir, name, []byte(body+"\r\n"))
	}
	return dir, files
}

func TestImportKeepsEveryRejectedRowWithItsReason(t *testing.T) {
	w := openTemp(t)
	_, files := hotelFiles(t)
	opt := testOptions()
	opt.RejectThreshold = 1
	// Named in the wrong order on purpose: they must load roster, guests, stays, feedback.
	res := importAll(t, w, opt, files["feedback.csv"], files["stays.csv"], files["guests.csv"], files["roster.csv"])
	var order []string
	for _, r := range res {
		order = append(order, r.Kind)
		if r.Status != StatusLoaded {
			t.Errorf("%s: %s %s", r.Path, r.Status, r.Message)
		}
		if r.Rows != r.Loaded+r.Rejected {
			t.Errorf("%s: rows %d != loaded %d + rejected %d", r.Path, r.Rows, r.Loaded, r.Rejected)
		}
	}
	if want := []string{"roster", "guests", "stays", "feedback"}; !slices.Equal(order, want) {
		t.Fatalf("load order %v, want %v", order, want)
	}

	got := queryStrings(t, w, `SELECT i.kind, r.line, r.reason, r.severity FROM rejects r JOIN imports i USING (import_id) ORDER BY i.kind, r.line, r.reason`)
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
	stays := queryStrings(t, w, `SELECT stay_id, profile_id, matched_by, outlet_kind, arrival, departure, spend_cents, butler_id FROM stays ORDER BY stay_id`)
	wantStays := []string{
		"S1|GA|guest_id|room|2026-11-20 15:00|2026-11-22 11:00|128000|B001",
		"S2|GC|mobile|dining|2026-11-21 18:00|2026-11-21 20:00|36800|B002",
		"S8|GD|guest_id|banquet|2026-11-21 11:00|2026-11-21 14:00|880000|B001",
		"S9|GD|guest_id|conference|2026-11-19 00:00|2026-11-20 12:00|500000|NULL",
	}
	if !slices.Equal(stays, wantStays) {
		t.Errorf("stays:\n got %q\nwant %q", stays, wantStays)
	}
	forms := queryStrings(t, w, `SELECT form_id, stay_id, profile_id, matched_by, overall, nps, complaint FROM feedback ORDER BY form_id`)
	wantForms := []string{"F1|S1|GA|stay_id|5|10|false", "F2|NULL|GC|guest_id|4|8|false", "F3|S1|GA|room_date|2|3|true"}
	if !slices.Equal(forms, wantForms) {
		t.Errorf("feedback:\n got %q\nwant %q", forms, wantForms)
	}
	leads := queryStrings(t, w, `SELECT staff_id, lead_id FROM butlers ORDER BY staff_id`)
	if want := []string{"B001|B001", "B002|B001", "B020|B020"}; !slices.Equal(leads, want) {
		t.Errorf("leads %q, want %q", leads, want)
	}
}

func TestRejectedValuesAreMasked(t *testing.T) {
	w := openTemp(t)
	_, files := hotelFiles(t)
	opt := testOptions()
	opt.RejectThreshold = 1
	importAll(t, w, opt, files["guests.csv"], files["stays.csv"])
	for _, v := range queryStrings(t, w, `SELECT coalesce(value_masked, '') FROM rejects`) {
		if strings.Contains(v, "1381234") || strings.Contains(v, "11010519491231009") {
			t.Errorf("a rejected value is stored unmasked: %q", v)
		}
	}
	if n := queryInt(t, w, `SELECT count(*) FROM profiles WHERE id_hash IS NOT NULL AND length(id_hash) = 64 AND id_last4 = right(?, 4)`, idB); n != 2 {
		t.Errorf("profiles with the ID hash: %d, want 2", n)
	}
	for _, col := range []string{"id_hash", "id_last4", "name", "mobile", "member_no"} {
		if n := queryInt(t, w, "SELECT count(*) FROM profiles WHERE "+col+" LIKE ?", "%"+idB[:10]+"%"); n != 0 {
			t.Errorf("raw ID number found in profiles.%s", col)
		}
	}
}

func TestSameBytesAreNeverLoadedTwice(t *testing.T) {
	w := openTemp(t)
	dir, files := hotelFiles(t)
	copyPath := writeFile(t, dir, "guests-again.csv", mustRead(t, files["guests.csv"]))
	opt := testOptions()
	res := importAll(t, w, opt, files["guests.csv"], copyPath)
	if res[0].Status != StatusLoaded || res[1].Status != StatusSkipped {
		t.Fatalf("statuses %s, %s; want loaded, skipped", res[0].Status, res[1].Status)
	}
	res = importAll(t, w, opt, files["guests.csv"])
	if res[0].Status != StatusSkipped || !strings.Contains(res[0].Message, "import 1") {
		t.Fatalf("re-run: %s %q", res[0].Status, res[0].Message)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM profiles"); n != 5 {
		t.Errorf("profile rows %d, want 5", n)
	}
}

func TestOverlappingExportsKeepEachStayOnceLatestWins(t *testing.T) {
	w := openTemp(t)
	dir, files := hotelFiles(t)
	head := "单号,客户编号,消费场所,到店时间,离店时间,消费金额"
	night1 := writeFile(t, dir, "stays_20261121.csv", csvLines(head,
		"N1,GA,客房,2026-11-19 15:00,2026-11-20 11:00,500",
		"N2,GD,客房,2026-11-20 15:00,2026-11-21 11:00,600"))
	night2 := writeFile(t, dir, "stays_20261122.csv", csvLines(head,
		"N2,GD,客房,2026-11-20 15:00,2026-11-21 11:00,650", // corrected spend
		"N3,GC,客房,2026-11-21 15:00,2026-11-22 11:00,700"))
	opt := testOptions()
	importAll(t, w, opt, files["guests.csv"], night2, night1) // named out of order: loaded by name
	got := queryStrings(t, w, "SELECT stay_id, spend_cents FROM stays ORDER BY stay_id")
	if want := []string{"N1|50000", "N2|65000", "N3|70000"}; !slices.Equal(got, want) {
		t.Errorf("stays %q, want %q", got, want)
	}
}

func TestFileOverRejectThresholdIsRefusedWhole(t *testing.T) {
	w := openTemp(t)
	_, files := hotelFiles(t)
	opt := testOptions() // default 20 %; the stays file rejects 6 of 10
	res := importAll(t, w, opt, files["guests.csv"], files["stays.csv"])
	stays := resultByName(t, res, "stays.csv")
	if stays.Status != StatusFailed || !strings.Contains(stays.Message, "FILE_TOO_MANY_REJECTS") {
		t.Fatalf("stays: %s %q", stays.Status, stays.Message)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM stays"); n != 0 {
		t.Errorf("%d stays loaded from a refused file", n)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM rejects r JOIN imports i USING (import_id) WHERE i.kind = 'stays' AND i.status = 'failed'"); n == 0 {
		t.Error("the refused file's rejects were not kept for the front desk")
	}
	// The same bytes are not "loaded", so a fixed threshold lets them in later.
	opt.RejectThreshold = 0.7
	res = importAll(t, w, opt, files["stays.csv"])
	if res[0].Status != StatusLoaded {
		t.Errorf("retry: %s %q", res[0].Status, res[0].Message)
	}
}

func TestUnreadableFilesAreRefusedWithAClearMessage(t *testing.T) {
	w := openTemp(t)
	dir := t.TempDir()
	cases := []struct{ name, body, want string }{
		{"unknown.csv", "foo,bar,baz\r\n1,2,3\r\n", "FILE_UNKNOWN_KIND"},
		{"missing.csv", "单号,客户编号,到店时间\r\nS1,GA,2026-11-20\r\n", "离店时间/departure"},
		{"old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 600), "FILE_UNSUPPORTED"},
	}
	var paths []string
	for _, c := range cases {
		paths = append(paths, writeFile(t, dir, c.name, []byte(c.body)))
	}
	res := importAll(t, w, testOptions(), paths...)
	for _, c := range cases {
		r := resultByName(t, res, c.name)
		if r.Status != StatusFailed || !strings.Contains(r.Message, c.want) {
			t.Errorf("%s: %s %q, want failed with %q", c.name, r.Status, r.Message, c.want)
		}
	}
	if n := queryInt(t, w, "SELECT count(*) FROM imports WHERE status = 'failed'"); n != int64(len(cases)) {
		t.Errorf("failed imports recorded: %d, want %d", n, len(cases))
	}
}

func TestIdentityChainMergesIntoOneGuestWhateverTheOrder(t *testing.T) {
	// The chain split over three files, loaded in every order, into fresh
	// warehouses: the guests and links must come out the same.
	dir := t.TempDir()
	head := "客户编号,姓名,手机,证件号码,建档日期"
	parts := []string{
		writeFile(t, dir, "a.csv", csvLines(head, "GA,张伟,13812345678,,2024-01-05")),
		writeFile(t, dir, "b.csv", csvLines(head, "GB,张伟,13812345678,"+idB+",2025-03-01")),
		writeFile(t, dir, "c.csv", csvLines(head, "GC,张先生,13900001111,"+idB+",2025-06-01", "GD,李娜,13900002222,"+idD+",2023-02-01")),
	}
	orders := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}
	var first []string
	for _, o := range orders {
		w := openTemp(t)
		for _, i := range o { // one run per file: order across runs
			importAll(t, w, testOptions(), parts[i])
		}
		got := queryStrings(t, w, `SELECT gp.profile_id, gp.guest_id, g.profile_count FROM guest_profiles gp JOIN guests g USING (guest_id) ORDER BY 1`)
		got = append(got, queryStrings(t, w, `SELECT profile_id, linked_to, evidence FROM identity_links ORDER BY ALL`)...)
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
	w := openTemp(t)
	dir := t.TempDir()
	lines := []string{"客户编号,姓名,手机"}
	for i := range 5 {
		lines = append(lines, fmt.Sprintf("P%d,员工%d,13700000000", i, i))
	}
	p := writeFile(t, dir, "company.csv", csvLines(lines...))
	opt := testOptions()
	opt.MaxSharedEvidence = 3
	importAll(t, w, opt, p)
	if n := queryInt(t, w, "SELECT count(*) FROM guests"); n != 5 {
		t.Errorf("guests %d: a number shared by 5 profiles (cap 3) must not merge them", n)
	}
}

func TestFolderImportSkipsHiddenAndForeignFiles(t *testing.T) {
	w := openTemp(t)
	dir, _ := hotelFiles(t)
	writeFile(t, dir, ".~lock.guests.csv#", []byte("junk"))
	writeFile(t, dir, "notes.md", []byte("# notes"))
	res := importAll(t, w, testOptions(), dir)
	if len(res) != 4 {
		var names []string
		for _, r := range res {
			names = append(names, filepath.Base(r.Path))
		}
		t.Errorf("imported %v, want the 4 data files", names)
	}
}
