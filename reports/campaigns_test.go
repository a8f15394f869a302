package reports

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// campaignHotel loads n regular guests who are all due on 2026-11-26 (G00…,
// consented) and three who may not be marketed to, and analyses that day.
func campaignHotel(t *testing.T, n int) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := []string{"客户编号,姓名,手机,营销许可,拒绝来电"}
	stays := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	for i := range n {
		id := fmt.Sprintf("G%03d", i)
		guests = append(guests, fmt.Sprintf("%s,客人%d,138%08d,是,否", id, i, i))
		stays = append(stays, regularStays(id)...)
	}
	guests = append(guests, "NOCONSENT,李娜,13900000002,否,否", "UNKNOWN,王芳,13900000003,,否", "DNC,赵强,13900000004,是,是")
	for _, id := range []string{"NOCONSENT", "UNKNOWN", "DNC"} {
		stays = append(stays, regularStays(id)...)
	}
	loadFiles(t, w, writeCSV(t, dir, "guests.csv", guests...), writeCSV(t, dir, "stays.csv", stays...))
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	return w
}

func campaignSpec(name string, holdout float64, seed int64) warehouse.CampaignSpec {
	return warehouse.CampaignSpec{Name: name, AsOf: civil("2026-11-26"), Kind: "due", Holdout: holdout, Seed: seed,
		Channel: "wechat", WindowDays: DefaultCampaignWindowDays, Loc: shanghai,
		Audit: warehouse.AuditEntry{At: time.Date(2026, 11, 26, 9, 0, 0, 0, shanghai), Actor: "test", Role: "marketing"}}
}

func targetIDs(t *testing.T, w *warehouse.Warehouse, day string) []string {
	t.Helper()
	var got []string
	if err := w.TargetRows(context.Background(), civil(day), func(r *warehouse.TargetRow) error {
		got = append(got, r.GuestID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCampaignDrawsConsentedTargetsIntoTwoGroups(t *testing.T) {
	ctx := context.Background()
	w := campaignHotel(t, 40)
	c, err := w.CreateCampaign(ctx, campaignSpec("冬季回访", 0.25, 7))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != 1 || c.Contacted != 30 || c.Holdout != 10 {
		t.Errorf("campaign %d: %d contacted, %d held out; want 1: 30 and 10 (a quarter of 40)", c.ID, c.Contacted, c.Holdout)
	}
	members, err := w.CampaignMembers(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var contact, holdout []string
	for _, m := range members {
		if m.GuestID == "NOCONSENT" || m.GuestID == "UNKNOWN" || m.GuestID == "DNC" {
			t.Errorf("%s is in the campaign without consent", m.GuestID)
		}
		if m.Group == warehouse.GroupHoldout {
			holdout = append(holdout, m.GuestID)
		} else {
			contact = append(contact, m.GuestID)
		}
	}
	// The same seed draws the same groups in another warehouse; another
	// seed draws others.
	w2 := campaignHotel(t, 40)
	again, err := w2.CreateCampaign(ctx, campaignSpec("again", 0.25, 7))
	if err != nil {
		t.Fatal(err)
	}
	members2, err := w2.CampaignMembers(ctx, again.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(members, members2) {
		t.Error("the same seed drew different groups")
	}
	_, otherHold := warehouse.DrawHoldout(append(contact, holdout...), 0.25, 8)
	if slices.Equal(otherHold, holdout) {
		t.Error("another seed drew the same holdout")
	}
	// A second campaign of the same day finds nobody left to draw.
	if _, err := w.CreateCampaign(ctx, campaignSpec("twice", 0.1, 1)); !errors.Is(err, warehouse.ErrCampaignRefused) {
		t.Errorf("a second campaign over the same targets: %v, want refused", err)
	}
	// The next night, contacted guests are off the list for the contact
	// window and held-out guests for the measurement window.
	if _, err := Analyze(ctx, w, Options{AsOf: civil("2026-11-27"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	if got := targetIDs(t, w, "2026-11-27"); len(got) != 0 {
		t.Errorf("the night after the campaign, %d of its guests are targets again: %v", len(got), got)
	}
	// 35 days on the contact window is over but the holdout's is not.
	if _, err := Analyze(ctx, w, Options{AsOf: civil("2026-12-31"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	back := targetIDs(t, w, "2026-12-31")
	for _, id := range back {
		if slices.Contains(holdout, id) {
			t.Errorf("held-out %s is a target inside the measurement window", id)
		}
	}
	if len(back) == 0 {
		t.Error("contacted guests never came back onto the lists after the contact window")
	}
}

func TestDrawHoldoutRoundsHalfUpAndIgnoresOrder(t *testing.T) {
	for _, c := range []struct {
		n     int
		share float64
		want  int
	}{{10, 0.1, 1}, {15, 0.1, 2}, {14, 0.1, 1}, {5, 0.5, 3}, {1, 0.3, 0}, {0, 0.5, 0}, {1000, 0, 0}} {
		ids := make([]string, c.n)
		for i := range ids {
			ids[i] = fmt.Sprintf("g%d", i)
		}
		contact, holdout := warehouse.DrawHoldout(ids, c.share, 3)
		if len(holdout) != c.want || len(contact)+len(holdout) != c.n {
			t.Errorf("%d guests at %.2f: %d held out of %d, want %d", c.n, c.share, len(holdout), len(contact)+len(holdout), c.want)
		}
		slices.Reverse(ids)
		_, reversed := warehouse.DrawHoldout(ids, c.share, 3)
		if !slices.Equal(holdout, reversed) {
			t.Errorf("%d guests: the order of the list changed the draw", c.n)
		}
	}
	// Every guest is equally likely to be held out: over many seeds each
	// of 20 guests is held out close to the share of the time.
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("guest-%d", i)
	}
	held := map[string]int{}
	const seeds = 4000
	for s := range int64(seeds) {
		_, h := warehouse.DrawHoldout(ids, 0.25, s)
		for _, id := range h {
			held[id]++
		}
	}
	for _, id := range ids {
		// 0.25 ± 4 standard errors of 4000 draws (σ ≈ 0.0068)
		if f := float64(held[id]) / seeds; math.Abs(f-0.25) > 0.028 {
			t.Errorf("%s held out %.3f of the time, want 0.25", id, f)
		}
	}
}

func TestReportWindowDefaultsToTheCampaigns(t *testing.T) {
	ctx := context.Background()
	w := campaignHotel(t, 10)
	spec := campaignSpec("short", 0.2, 5)
	spec.WindowDays = 30
	c, err := w.CreateCampaign(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	u, err := CampaignReport(ctx, w, c.ID, 0, civil("2026-12-26"), shanghai)
	if err != nil || u.WindowDays != 30 || !u.Complete {
		t.Errorf("window %d complete %v (%v): want the campaign's 30 days, closed on 2026-12-26", u.WindowDays, u.Complete, err)
	}
	if _, err := CampaignReport(ctx, w, c.ID, -3, civil("2026-12-26"), shanghai); !errors.Is(err, warehouse.ErrCampaignRefused) {
		t.Errorf("a negative window: %v, want refused", err)
	}
}
