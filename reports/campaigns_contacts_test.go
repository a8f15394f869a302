package reports

import (
	"context"
	"slices"
	"testing"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
)

func TestLoadedContactsReplaceThePlannedOnes(t *testing.T) {
	ctx := context.Background()
	w := campaignHotel(t, 10)
	c, err := w.CreateCampaign(ctx, campaignSpec("春节", 0.2, 5))
	if err != nil {
		t.Fatal(err)
	}
	members, err := w.CampaignMembers(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var contact, holdout []string
	for _, m := range members {
		if m.Group == warehouse.GroupContact {
			contact = append(contact, m.GuestID)
		} else {
			holdout = append(holdout, m.GuestID)
		}
	}
	// The file names one contact guest by id and one by mobile (written as
	// people write it), one holdout guest, one stranger and one bad row.
	mobileOf := func(id string) string { return "+86 138 0000 00" + id[2:] } // G00k has mobile 1380000000k
	file := writeCSV(t, t.TempDir(), "contacts.csv", "客户编号,手机,渠道,联系时间",
		contact[0]+",,微信,2026-11-27 10:00",
		","+mobileOf(contact[1])+",sms,2026-11-28 11:30",
		holdout[0]+",,电话,2026-11-27 15:00",
		"STRANGER,,sms,2026-11-27 15:00",
		contact[2]+",,fax,2026-11-27 15:00")
	r, err := ingest.Open(file, ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, problems, err := ingest.ReadContacts(r, shanghai, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || len(problems) != 1 || problems[0].Line != 6 {
		t.Fatalf("read %d rows and problems %v; want 4 rows and the fax on line 6", len(rows), problems)
	}
	res, err := w.LoadCampaignContacts(ctx, c.ID, rows, warehouse.AuditEntry{At: civil("2026-11-29"), Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded != 3 || res.Guests != 3 || len(res.Unmatched) != 1 || res.HoldoutContacted != 1 {
		t.Errorf("result %+v: want 3 loaded for 3 guests, the stranger unmatched, one holdout guest contacted", res)
	}
	got := map[string][]string{}
	q, err := w.DB().QueryContext(ctx, `SELECT guest_id, strftime(contacted_at AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d %H:%M') || ' ' || coalesce(channel, '')
		FROM marketing_contacts WHERE campaign = '1' ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for q.Next() {
		var g, v string
		if err := q.Scan(&g, &v); err != nil {
			t.Fatal(err)
		}
		got[g] = append(got[g], v)
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		contact[0]: {"2026-11-27 10:00 wechat"},
		contact[1]: {"2026-11-28 11:30 sms"},
		holdout[0]: {"2026-11-27 15:00 phone"},
	}
	for _, g := range contact[2:] { // not in the file: the planned contact stays
		want[g] = []string{"2026-11-26 12:00 wechat"}
	}
	for g, v := range want {
		if !slices.Equal(got[g], v) {
			t.Errorf("%s: contacts %v, want %v", g, got[g], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d guests have contacts, want %d", len(got), len(want))
	}
}

// TestForgottenGuestLeavesTheCampaignButNotItsCounts: a guest forgotten on
// request is gone from the campaign's members and contacts by id, and the
// group they were drawn into keeps its size, so the report still adds up.
func TestForgottenGuestLeavesTheCampaignButNotItsCounts(t *testing.T) {
	ctx := context.Background()
	w := campaignHotel(t, 10)
	c, err := w.CreateCampaign(ctx, campaignSpec("forget", 0.2, 5))
	if err != nil {
		t.Fatal(err)
	}
	members, err := w.CampaignMembers(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	gone := members[0].GuestID
	if _, err := w.ForgetGuest(ctx, gone, false, ingest.NewIDHasher([]byte("test-key-0123456789")),
		warehouse.AuditEntry{At: civil("2026-11-27"), Actor: "dpo", Role: roles.Admin}); err != nil {
		t.Fatal(err)
	}
	after, err := w.CampaignMembers(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(members) {
		t.Errorf("%d members after forgetting one, want %d: the groups keep their size", len(after), len(members))
	}
	for _, m := range after {
		if m.GuestID == gone {
			t.Errorf("forgotten %s is still a member by id", gone)
		}
	}
	var n int
	if err := w.DB().QueryRowContext(ctx, "SELECT count(*) FROM marketing_contacts WHERE guest_id = ?", gone).Scan(&n); err != nil || n != 0 {
		t.Errorf("forgotten guest has %d marketing contacts (%v)", n, err)
	}
}
