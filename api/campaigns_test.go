package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/warehouse"
)

func TestCampaignOverHTTPIsDrawnListedDownloadedAndAudited(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, out, raw := call(t, "POST", ts.URL+"/api/v1/campaigns", h.tokens["marketing"],
		`{"name":"冬季","kind":"winback","as-of":"2026-11-22","holdout":0.5,"seed":9,"channel":"wechat"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, raw)
	}
	// Only the four consented X guests are drawn; G1…G3 never said yes.
	if out["contacted"] != 2.0 || out["holdout"] != 2.0 || out["as_of"] != "2026-11-22" || out["kind"] != "winback" {
		t.Errorf("created %v: want 2 contacted and 2 held out of the 4 consented", out)
	}
	members, err := h.w.CampaignMembers(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var contact []string
	for _, m := range members {
		if !strings.HasPrefix(m.GuestID, "X") {
			t.Errorf("%s is in the campaign without consent", m.GuestID)
		}
		if m.Group == warehouse.GroupContact {
			contact = append(contact, m.GuestID)
		}
	}
	// The download is the contact group, masked, and leaves an audit entry.
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/campaigns/1/list.xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["marketing"])
	dl, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	if err != nil || dl.StatusCode != 200 {
		t.Fatalf("list.xlsx: %d %v", dl.StatusCode, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range rows {
		for _, c := range r {
			if len(c) == 2 && c[0] == 'X' {
				listed = append(listed, c)
			}
			if strings.HasPrefix(c, "1390000") {
				t.Errorf("an unmasked mobile %q in the list", c)
			}
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, contact) {
		t.Errorf("the workbook lists %v, the contact group is %v", listed, contact)
	}
	log, err := h.w.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, e := range log {
		actions[e.Action+" "+e.Target] = true
	}
	if !actions["campaign_create campaign 1"] || !actions["export campaign"] {
		t.Errorf("audit log %v: want the creation and the download", actions)
	}
	// The report so far: nobody has come back, the window is open.
	res, out, raw = call(t, "GET", ts.URL+"/api/v1/campaigns/1", h.tokens["manager"], "")
	if res.StatusCode != 200 || out["contacted"] != 2.0 || out["returned_contacted"] != 0.0 || out["complete"] != false {
		t.Errorf("report: %d %s", res.StatusCode, raw)
	}
	// Nobody left to draw: 409; a bad share: 400; a day to come: 400.
	for body, want := range map[string]int{
		`{"name":"again","kind":"winback","as_of":"2026-11-22"}`:             409,
		`{"name":"x","kind":"winback","as_of":"2026-11-22","holdout":1.5}`:   400,
		`{"name":"x","kind":"winback","as_of":"2099-01-01"}`:                 400,
		`{"name":"x","kind":"winback","as_of":"2026-11-22","colour":"blue"}`: 400,
		`{"name":"x","kind":"dormant","as_of":"2026-11-22"}`:                 400,
		`{"name":"x","kind":"due","as_of":"2026-11-22","channel":"carrier"}`: 400,
	} {
		if res, _, raw := call(t, "POST", ts.URL+"/api/v1/campaigns", h.tokens["admin"], body); res.StatusCode != want {
			t.Errorf("%s: %d, want %d: %s", body, res.StatusCode, want, raw)
		}
	}
	// Contacts as a CSV; JSON is not a contacts file.
	up, ans := postUpload(t, ts.URL+"/api/v1/campaigns/1/contacts", h.tokens["marketing"], "text/csv",
		strings.NewReader("客户编号,渠道,联系时间\n"+contact[0]+",微信,2026-11-22 16:00\nNOBODY,sms,2026-11-22 16:00\n"))
	if up.StatusCode != 200 || ans["loaded"] != 1.0 || len(ans["unmatched"].([]any)) != 1 {
		t.Errorf("contacts: %d %v", up.StatusCode, ans)
	}
	if up, _ := postUpload(t, ts.URL+"/api/v1/campaigns/1/contacts", h.tokens["marketing"], "application/json", strings.NewReader("{}")); up.StatusCode != 415 {
		t.Errorf("contacts as JSON: %d, want 415", up.StatusCode)
	}
}
