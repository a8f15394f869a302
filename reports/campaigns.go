package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// DefaultCampaignWindowDays is how long a campaign's outcome is measured,
// and its holdout kept off every list, unless the caller says otherwise.
const DefaultCampaignWindowDays = 90

// Uplift is a campaign's measured effect: how many of each group came back
// within the window and what they spent. Keys are a contract.
type Uplift struct {
	Campaign          warehouse.Campaign `json:"campaign"`
	Contacted         int                `json:"contacted"`
	Holdout           int                `json:"holdout"`
	ReturnedContacted int                `json:"returned_contacted"`
	ReturnedHoldout   int                `json:"returned_holdout"`
	RateContacted     *float64           `json:"rate_contacted"` // null for an empty group
	RateHoldout       *float64           `json:"rate_holdout"`
	Uplift            *float64           `json:"uplift"`    // rate_contacted − rate_holdout
	UpliftCI          []float64          `json:"uplift_ci"` // [low, high], 95 %, Newcombe; null without both groups
	// Revenue per guest divides the window's spend by every guest of the
	// group, returned or not: that is the figure the two groups share.
	RevenuePerGuestContacted *float64 `json:"revenue_per_guest_contacted"`
	RevenuePerGuestHoldout   *float64 `json:"revenue_per_guest_holdout"`
	WindowDays               int      `json:"window_days"`
	Complete                 bool     `json:"complete"` // as_of + window_days <= today: nothing more can come in
}

// CampaignReport measures campaign id over window days after its day (0:
// the campaign's own window, the one its holdout is kept clean for); today
// is the hotel's civil date, which says whether the window has closed.
func CampaignReport(ctx context.Context, wh *warehouse.Warehouse, id int64, window int, today time.Time, loc *time.Location) (Uplift, error) {
	c, err := wh.CampaignByID(ctx, id)
	if err != nil {
		return Uplift{}, err
	}
	if window == 0 {
		window = c.WindowDays
	}
	if window < 1 || window > 3660 {
		return Uplift{}, fmt.Errorf("%w: the window must be 1 to 3660 days", warehouse.ErrCampaignRefused)
	}
	con, hold, err := wh.CampaignOutcome(ctx, id, window, loc)
	if err != nil {
		return Uplift{}, err
	}
	day, err := time.Parse(time.DateOnly, c.AsOf)
	if err != nil {
		return Uplift{}, fmt.Errorf("reports: campaign %d: %w", id, err)
	}
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	u := Uplift{Campaign: c, Contacted: con.Guests, Holdout: hold.Guests, ReturnedContacted: con.Returned, ReturnedHoldout: hold.Returned,
		WindowDays: window, Complete: !day.AddDate(0, 0, window).After(t)}
	u.RateContacted, u.RevenuePerGuestContacted = perGuest(con)
	u.RateHoldout, u.RevenuePerGuestHoldout = perGuest(hold)
	if u.RateContacted != nil && u.RateHoldout != nil {
		d := *u.RateContacted - *u.RateHoldout
		u.Uplift = &d
		low, high, _ := NewcombeInterval(con.Returned, con.Guests, hold.Returned, hold.Guests)
		u.UpliftCI = []float64{low, high}
	}
	return u, nil
}

func perGuest(o warehouse.GroupOutcome) (rate, revenue *float64) {
	if o.Guests == 0 {
		return nil, nil
	}
	r, v := float64(o.Returned)/float64(o.Guests), yuan(o.RevenueCents)/float64(o.Guests)
	return &r, &v
}

// UpliftWords says the result as the campaigns page shows it, e.g.
// "回来 12.4 % vs 对照组 9.8 %: +2.6 个百分点 (95 %: +0.4 … +4.8)".
func UpliftWords(u Uplift, lang string) string {
	if u.Uplift == nil {
		if lang == "en" {
			return "no comparison: a group is empty"
		}
		return "无法比较：有一组为空"
	}
	pp := func(f float64) string { return fmt.Sprintf("%+.1f", 100*f) }
	if lang == "en" {
		return fmt.Sprintf("came back %.1f %% vs holdout %.1f %%: %s points (95 %%: %s … %s)",
			100**u.RateContacted, 100**u.RateHoldout, pp(*u.Uplift), pp(u.UpliftCI[0]), pp(u.UpliftCI[1]))
	}
	return fmt.Sprintf("回来 %.1f %% vs 对照组 %.1f %%: %s 个百分点 (95 %%: %s … %s)",
		100**u.RateContacted, 100**u.RateHoldout, pp(*u.Uplift), pp(u.UpliftCI[0]), pp(u.UpliftCI[1]))
}
