package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// campaignWarehouse ingests n consented guests due back on 2026-11-26 and
// one who refused marketing, and analyses that day.
func campaignWarehouse(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	guests := []string{"客户编号,姓名,手机,营销许可"}
	stays := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	last := time.Date(2026, 11, 6, 11, 0, 0, 0, shanghai)
	add := func(id, consent string, i int) {
		guests = append(guests, fmt.Sprintf("%s,客人%d,138%08d,%s", id, i, i, consent))
		for k := 4; k >= 0; k-- {
			dep := last.AddDate(0, 0, -32*k)
			stays = append(stays, fmt.Sprintf("%s-%d,%s,客房,%s,%s,800", id, k, id,
				dep.Add(-20*time.Hour).Format("2006-01-02 15:04"), dep.Format("2006-01-02 15:04")))
		}
	}
	for i := range n {
		add(fmt.Sprintf("G%03d", i), "是", i)
	}
	add("REFUSED", "否", n)
	for name, lines := range map[string][]string{"guests.csv": guests, "stays.csv": stays} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, filepath.Join(dir, "guests.csv"), filepath.Join(dir, "stays.csv")); code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "analyze", "--db", db, "--as-of", "2026-11-26"); code != 0 {
		t.Fatalf("analyze: exit %d\n%s", code, stderr)
	}
	return db
}

func TestCampaignFromTheCommandLine(t *testing.T) {
	db := campaignWarehouse(t, 20)
	dir := t.TempDir()
	environ := map[string]string{"REVISIT_DB": db, "USER": "mkt", "REVISIT_TZ": "Asia/Shanghai"}
	if code, _, stderr := runCLI(t, environ, "campaign", "create", "--name", "x", "--kind", "due", "--out", filepath.Join(dir, "list.pdf")); code != exitUsage {
		t.Errorf("--out list.pdf: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	csvPath := filepath.Join(dir, "list.csv")
	code, stdout, stderr := runCLI(t, environ, "campaign", "create", "--name", "冬季", "--kind", "due", "--as-of", "2026-11-26",
		"--holdout", "0.25", "--seed", "42", "--channel", "sms", "--out", csvPath, "--json")
	if code != 0 {
		t.Fatalf("create: exit %d\n%s", code, stderr)
	}
	var created map[string]any
	if err := json.Unmarshal([]byte(stdout), &created); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range created {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"as_of", "contacted", "holdout", "id", "kind", "name"}; !slices.Equal(keys, want) {
		t.Errorf("create --json keys %v, want %v", keys, want)
	}
	if created["contacted"] != 15.0 || created["holdout"] != 5.0 || created["as_of"] != "2026-11-26" {
		t.Errorf("created %v: want 15 contacted and 5 held out of the 20 consented", created)
	}
	code, stdout, stderr = runCLI(t, environ, "campaign", "members", "1", "--json")
	if code != 0 {
		t.Fatalf("members: exit %d\n%s", code, stderr)
	}
	var members []struct {
		GuestID string `json:"guest_id"`
		Group   string `json:"group"`
	}
	if err := json.Unmarshal([]byte(stdout), &members); err != nil {
		t.Fatal(err)
	}
	var contact []string
	for _, m := range members {
		if m.GuestID == "REFUSED" {
			t.Error("a guest who refused marketing is in the campaign")
		}
		if m.Group == "contact" {
			contact = append(contact, m.GuestID)
		}
	}
	// The list written is the contact group, masked, with a guest_id column.
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	gi, mi := slices.Index(rows[0], "guest_id"), slices.Index(rows[0], "mobile")
	if gi < 0 || mi < 0 {
		t.Fatalf("list header %v: no guest_id or mobile", rows[0])
	}
	var listed []string
	for _, r := range rows[1:] {
		listed = append(listed, r[gi])
		if !strings.Contains(r[mi], "****") {
			t.Errorf("mobile %q is not masked", r[mi])
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, contact) {
		t.Errorf("the list holds %v, the contact group is %v", listed, contact)
	}
	checkCampaignXLSX(t, environ, dir)
	code, stdout, stderr = runCLI(t, environ, "campaign", "report", "1", "--json")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"contacted", "holdout", "returned_contacted", "returned_holdout", "rate_contacted", "rate_holdout",
		"uplift", "uplift_ci", "revenue_per_guest_contacted", "revenue_per_guest_holdout", "window_days", "complete"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report --json has no %q", k)
		}
	}
	if rep["contacted"] != 15.0 || rep["window_days"] != 90.0 || rep["complete"] != false {
		t.Errorf("report %v: want 15 contacted, a 90-day window still open", rep)
	}
	code, stdout, _ = runCLI(t, environ, "campaign", "list", "--json")
	if code != 0 || !strings.Contains(stdout, `"name": "冬季"`) && !strings.Contains(stdout, `"name":"冬季"`) {
		t.Errorf("list: exit %d\n%s", code, stdout)
	}
	// The contacts marketing made, by mobile as people write it and by id.
	contacts := filepath.Join(dir, "contacts.csv")
	if err := os.WriteFile(contacts, []byte("手机,客户编号,渠道,联系时间\n138 0000 00"+contact[0][2:]+",,微信,2026-11-27 10:00\n,"+contact[1]+",sms,2026-11-27 11:00\n,NOBODY,sms,2026-11-27\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, environ, "campaign", "contacts", "1", contacts, "--json")
	var loaded struct {
		Loaded    int              `json:"loaded"`
		Unmatched []map[string]any `json:"unmatched"`
	}
	if code != 0 {
		t.Fatalf("contacts: exit %d\n%s", code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &loaded); err != nil || loaded.Loaded != 2 || len(loaded.Unmatched) != 1 {
		t.Errorf("contacts: %+v %v\n%s", loaded, err, stdout)
	}
	for _, args := range [][]string{{"campaign"}, {"campaign", "members"}, {"campaign", "contacts", "1"}, {"campaign", "report", "x"}, {"campaign", "launch"}} {
		if code, _, _ := runCLI(t, environ, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, stderr := runCLI(t, environ, "campaign", "members", "9", "--json"); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("members of no campaign: exit %d\n%s", code, stderr)
	}
}

// checkCampaignXLSX checks that a second campaign over the same day's
// targets is refused (nobody is left to draw), then writes a fresh
// warehouse's campaign list as a workbook and reopens it.
func checkCampaignXLSX(t *testing.T, environ map[string]string, dir string) {
	t.Helper()
	if code, _, stderr := runCLI(t, environ, "campaign", "create", "--name", "again", "--kind", "due", "--as-of", "2026-11-26"); code != exitUsage || !strings.Contains(stderr, "no consented targets") {
		t.Errorf("a second campaign over the same targets: exit %d\n%s", code, stderr)
	}
	db := campaignWarehouse(t, 10)
	xlsx := filepath.Join(dir, "名单.xlsx")
	env2 := map[string]string{"REVISIT_DB": db, "USER": "mkt", "REVISIT_TZ": "Asia/Shanghai"}
	if code, _, stderr := runCLI(t, env2, "campaign", "create", "--name", "=HYPERLINK(\"x\")", "--kind", "due", "--as-of", "2026-11-26",
		"--holdout", "0.2", "--seed", "1", "--out", xlsx); code != 0 {
		t.Fatalf("create --out xlsx: exit %d\n%s", code, stderr)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	ids := 0
	for _, r := range rows {
		for _, c := range r {
			if strings.HasPrefix(c, "G0") {
				ids++
			}
			if strings.HasPrefix(c, "=") {
				t.Errorf("cell %q starts a formula", c)
			}
		}
	}
	if ids != 8 {
		t.Errorf("the workbook lists %d guests, want the 8 of the contact group", ids)
	}
}
