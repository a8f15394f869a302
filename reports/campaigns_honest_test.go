package reports

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// hotelShapes are the two kinds of hotel a campaign's targets come from:
// regulars who mostly come back anyway, and a sparse real hotel where most
// targets never return. Each guest's own chance of returning in the window
// is drawn from the shape, so guests differ as they do in life.
var hotelShapes = []struct {
	name   string
	chance func(*rand.Rand) float64
}{
	{"dense regulars", func(r *rand.Rand) float64 { return 0.3 + 0.5*r.Float64() }},
	{"sparse, most come once", func(r *rand.Rand) float64 {
		if r.Float64() < 0.85 {
			return 0.02
		}
		return 0.3
	}},
}

// TestNoEffectCoversZeroNineteenTimesInTwenty generates, for each of 200
// seeds, a hotel's targets whose returns do not depend on being contacted,
// draws the holdout as CreateCampaign does, and asks whether the interval
// covers 0. An honest 95 % interval does about 95 % of the time; an
// interval that found "effects" in noise would fall short.
func TestNoEffectCoversZeroNineteenTimesInTwenty(t *testing.T) {
	for _, shape := range hotelShapes {
		t.Run(shape.name, func(t *testing.T) {
			const seeds = 200
			covered := 0
			for seed := range int64(seeds) {
				rng := rand.New(rand.NewPCG(uint64(seed), 16))
				ids := make([]string, 800)
				returned := map[string]bool{}
				for i := range ids {
					ids[i] = fmt.Sprintf("G%04d", i)
					returned[ids[i]] = rng.Float64() < shape.chance(rng)
				}
				contact, holdout := warehouse.DrawHoldout(ids, 0.2, seed)
				count := func(group []string) (n int) {
					for _, g := range group {
						if returned[g] {
							n++
						}
					}
					return n
				}
				low, high, ok := NewcombeInterval(count(contact), len(contact), count(holdout), len(holdout))
				if !ok {
					t.Fatalf("seed %d: no interval", seed)
				}
				if low <= 0 && 0 <= high {
					covered++
				}
			}
			t.Logf("covered 0 in %d of %d hotels", covered, seeds)
			if cov := float64(covered) / seeds; cov < 0.91 || cov > 0.98 {
				t.Errorf("with no effect the interval covered 0 in %.3f of %d hotels, want about 0.95", cov, seeds)
			}
		})
	}
}

// TestCampaignReportFindsTheEffectItWasGiven makes a campaign over 600
// due guests in a real warehouse, then writes returns in which contacted
// guests come back more often than held-out ones (35 % against 10 %), some
// of them on the campaign's own day or after the window, which do not
// count. The report's counts and revenue must match a count made here, and
// its interval must hold the true difference and leave out 0.
func TestCampaignReportFindsTheEffectItWasGiven(t *testing.T) {
	ctx := context.Background()
	w := campaignHotel(t, 600)
	c, err := w.CreateCampaign(ctx, campaignSpec("effect", 0.5, 11))
	if err != nil {
		t.Fatal(err)
	}
	members, err := w.CampaignMembers(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 3))
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, shanghai)
	type tally struct {
		guests, returned int
		revenue          float64
	}
	truth := map[string]*tally{warehouse.GroupContact: {}, warehouse.GroupHoldout: {}}
	stays := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	for _, m := range members {
		tl := truth[m.Group]
		tl.guests++
		p := 0.10
		if m.Group == warehouse.GroupContact {
			p = 0.35
		}
		back := false
		for k := range 2 { // up to two visits, each on a day 0…95 after the campaign's
			if rng.Float64() >= p {
				continue
			}
			offset := rng.IntN(96)
			spend := 100 * (1 + rng.IntN(20))
			arr := day.AddDate(0, 0, offset).Add(time.Duration(10+rng.IntN(12)) * time.Hour)
			stays = append(stays, fmt.Sprintf("R%s-%d,%s,客房,%s,%s,%d", m.GuestID, k, m.GuestID,
				arr.Format("2006-01-02 15:04"), arr.Add(20*time.Hour).Format("2006-01-02 15:04"), spend))
			if offset >= 1 && offset <= 90 { // after the day, within the window
				back = true
				tl.revenue += float64(spend)
			}
		}
		if back {
			tl.returned++
		}
	}
	loadFiles(t, w, writeCSV(t, t.TempDir(), "returns.csv", stays...))
	u, err := CampaignReport(ctx, w, c.ID, 90, civil("2027-03-01"), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	con, hold := truth[warehouse.GroupContact], truth[warehouse.GroupHoldout]
	if u.Contacted != con.guests || u.Holdout != hold.guests || u.ReturnedContacted != con.returned || u.ReturnedHoldout != hold.returned {
		t.Fatalf("report %d/%d back of contacted, %d/%d of holdout; counted %d/%d and %d/%d",
			u.ReturnedContacted, u.Contacted, u.ReturnedHoldout, u.Holdout, con.returned, con.guests, hold.returned, hold.guests)
	}
	if math.Abs(*u.RevenuePerGuestContacted-con.revenue/float64(con.guests)) > 1e-9 ||
		math.Abs(*u.RevenuePerGuestHoldout-hold.revenue/float64(hold.guests)) > 1e-9 {
		t.Errorf("revenue per guest %.4f and %.4f, counted %.4f and %.4f", *u.RevenuePerGuestContacted, *u.RevenuePerGuestHoldout,
			con.revenue/float64(con.guests), hold.revenue/float64(hold.guests))
	}
	// The chance of at least one visit in the window: 1 − (1 − p·91/96)².
	trueDiff := (1 - math.Pow(1-0.35*91/96, 2)) - (1 - math.Pow(1-0.10*91/96, 2))
	if lo, hi := u.UpliftCI[0], u.UpliftCI[1]; lo <= 0 || lo > trueDiff || hi < trueDiff {
		t.Errorf("uplift %.3f (%.3f … %.3f): want an interval above 0 holding the true %.3f", *u.Uplift, lo, hi, trueDiff)
	}
	if !u.Complete {
		t.Error("a window that ended in February is not complete in March")
	}
	if open, err := CampaignReport(ctx, w, c.ID, 90, civil("2027-02-23"), shanghai); err != nil || open.Complete {
		t.Errorf("the day before the window closes: complete %v, %v", open.Complete, err)
	}
	if closed, err := CampaignReport(ctx, w, c.ID, 90, civil("2027-02-24"), shanghai); err != nil || !closed.Complete {
		t.Errorf("as_of + 90 days is today: complete %v, %v", closed.Complete, err)
	}
	if words := UpliftWords(u, "zh"); !strings.Contains(words, "回来") || !strings.Contains(words, "对照组") || !strings.Contains(words, "个百分点") {
		t.Errorf("in words: %q", words)
	}
}
